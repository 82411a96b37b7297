import { describe, expect, it } from "vitest";
import { formatVipList, parseVipList } from "./vipList";

describe("VIP lists", () => {
  it("reads commas or spaces, drops repeats, and treats empty as every VIP", () => {
    expect(parseVipList("192.168.50.100, 192.168.50.101 192.168.50.100")).toEqual({ ok: true, value: ["192.168.50.100", "192.168.50.101"] });
    expect(parseVipList("  ")).toEqual({ ok: true, value: null });
    expect(parseVipList("2001:db8::10")).toEqual({ ok: true, value: ["2001:db8::10"] });
  });

  it("names the entry that is not an address", () => {
    expect(parseVipList("192.168.50.100, web")).toEqual({ ok: false, error: '"web" is not an IP address' });
    expect(parseVipList("192.168.50.300")).toMatchObject({ ok: false });
  });

  it("writes null as all VIPs", () => {
    expect(formatVipList(null)).toBe("all VIPs");
    expect(formatVipList(["a", "b"])).toBe("a, b");
  });
});
