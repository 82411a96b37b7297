import { describe, expect, it } from "vitest";
import { parseHubFrame } from "./parseHubFrame";
import { view } from "../test/fixtures";

describe("parseHubFrame", () => {
  it("narrows a valid director frame", () => {
    const outcome = parseHubFrame(JSON.stringify({ type: "director", serverTime: 5, director: view("lvs-dir-01", 5) }));
    expect(outcome.ok && outcome.value.type).toBe("director");
  });

  it("rejects text that is not JSON, saying so", () => {
    const outcome = parseHubFrame("{nope");
    expect(outcome).toMatchObject({ ok: false });
    expect(!outcome.ok && outcome.error).toMatch(/not JSON/);
  });

  it("rejects an unknown frame type", () => {
    expect(parseHubFrame(JSON.stringify({ type: "gossip" })).ok).toBe(false);
  });

  it("names the offending field of a malformed director frame", () => {
    const bad = { type: "director", serverTime: 5, director: { ...view("lvs-dir-01", 5), connected: "yes" } };
    const outcome = parseHubFrame(JSON.stringify(bad));
    expect(!outcome.ok && outcome.error).toMatch(/director\.connected/);
  });

  it("rejects binary frames", () => {
    expect(parseHubFrame(new ArrayBuffer(4)).ok).toBe(false);
  });
});
