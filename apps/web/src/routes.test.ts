import { describe, expect, it } from "vitest";
import { routeOf } from "./routes";

describe("routeOf", () => {
  it("maps each page's path, with or without a trailing slash", () => {
    expect(routeOf("/")).toBe("topology");
    expect(routeOf("/timeline")).toBe("timeline");
    expect(routeOf("/wall/")).toBe("wall");
    expect(routeOf("/connections")).toBe("connections");
    expect(routeOf("/admin")).toBe("admin");
  });
  it("has no page for anything else", () => {
    expect(routeOf("/nope")).toBeNull();
  });
});
