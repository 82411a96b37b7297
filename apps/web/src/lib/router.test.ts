import { describe, expect, it } from "vitest";
import { hrefWith, isPlainClick } from "./router";

describe("hrefWith", () => {
  it("keeps only the parameters that have a value", () => {
    expect(hrefWith("/connections", { director: "lvs-dir-01", client: "", vip: null, offset: 0 })).toBe("/connections?director=lvs-dir-01&offset=0");
    expect(hrefWith("/timeline", {})).toBe("/timeline");
  });

  it("escapes what a URL cannot hold", () => {
    expect(hrefWith("/x", { service: "TCP [2001:db8::1]:443" })).toBe("/x?service=TCP+%5B2001%3Adb8%3A%3A1%5D%3A443");
  });
});

describe("isPlainClick", () => {
  const click = { button: 0, metaKey: false, ctrlKey: false, shiftKey: false, altKey: false, defaultPrevented: false };
  it("handles a plain left click and leaves modified clicks to the browser", () => {
    expect(isPlainClick(click)).toBe(true);
    expect(isPlainClick({ ...click, ctrlKey: true })).toBe(false);
    expect(isPlainClick({ ...click, button: 1 })).toBe(false);
  });
});
