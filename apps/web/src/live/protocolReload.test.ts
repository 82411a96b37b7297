import { describe, expect, it } from "vitest";
import { PROTOCOL_RELOAD_DELAY_MS, PROTOCOL_RELOAD_GUARD_MS, parseProtocolReloadRecord, planProtocolReload } from "./protocolReload";

const now = 1_800_000_000_000;

describe("planProtocolReload", () => {
  it("reloads after a short notice when this tab has not reloaded for that protocol", () => {
    expect(planProtocolReload(null, 7, now)).toEqual({ kind: "reload", at: now + PROTOCOL_RELOAD_DELAY_MS });
  });

  it("stops instead of looping when a reload for the same protocol just happened", () => {
    expect(planProtocolReload({ hubProtocolVersion: 7, at: now - 30_000 }, 7, now)).toEqual({ kind: "gave-up", reloadedAt: now - 30_000 });
  });

  it("reloads again for another protocol, or once the guard window has passed", () => {
    expect(planProtocolReload({ hubProtocolVersion: 6, at: now - 30_000 }, 7, now).kind).toBe("reload");
    expect(planProtocolReload({ hubProtocolVersion: 7, at: now - PROTOCOL_RELOAD_GUARD_MS }, 7, now).kind).toBe("reload");
  });
});

describe("parseProtocolReloadRecord", () => {
  it("reads what the page stored and treats anything else as no record", () => {
    expect(parseProtocolReloadRecord(JSON.stringify({ hubProtocolVersion: 7, at: now }))).toEqual({ hubProtocolVersion: 7, at: now });
    for (const text of [null, "", "{", "[]", "null", JSON.stringify({ hubProtocolVersion: "7", at: now })]) {
      expect(parseProtocolReloadRecord(text)).toBeNull();
    }
  });
});
