import { describe, expect, it } from "vitest";
import { describePersistenceEffect } from "./expectedShare";

describe("describePersistenceEffect", () => {
  it("says existing clients stay for the persistence timeout and only new clients move", () => {
    expect(describePersistenceEffect(120)).toBe("new clients only: existing clients stay up to 120 s (persistence)");
    expect(describePersistenceEffect(300)).toBe("new clients only: existing clients stay up to 300 s (persistence)");
  });
});
