import { describe, expect, it } from "vitest";
import { REQUEST_ID_PATTERN, newRequestId } from "./requestId";

describe("request ids", () => {
  it("are what the hub accepts: 8-64 of A-Z a-z 0-9 _ -", () => {
    for (let i = 0; i < 100; i++) expect(newRequestId()).toMatch(REQUEST_ID_PATTERN);
  });

  it("are different for every change", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newRequestId()));
    expect(ids.size).toBe(1000);
  });

  it("spell out all 16 random bytes, zeros included", () => {
    expect(newRequestId((b) => b.fill(0))).toBe("0".repeat(32));
    expect(newRequestId((b) => b.fill(255))).toBe("f".repeat(32));
  });
});
