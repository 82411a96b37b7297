import { describe, expect, it } from "vitest";
import { describeExpectedShare } from "./expectedShare";

describe("describeExpectedShare", () => {
  it("gives the share of new connections on a service without persistence", () => {
    expect(describeExpectedShare(0.75, null)).toBe("→ 75% of new");
  });

  it("says on a persistent service that only new clients move and existing ones stay for the timeout", () => {
    expect(describeExpectedShare(0.75, 120)).toBe("→ new clients: 75%; existing clients stay up to 120 s (persistence)");
  });

  it("says the same for a drain to 0%", () => {
    expect(describeExpectedShare(0, 300)).toBe("→ new clients: 0%; existing clients stay up to 300 s (persistence)");
  });
});
