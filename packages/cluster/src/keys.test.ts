import { describe, expect, it } from "vitest";
import { normalizeVip, parseServiceKey, vipInScope, vipOfServiceKey } from "./keys";

describe("normalizeVip", () => {
  it("drops the prefix, the device and brackets, and lower-cases IPv6", () => {
    expect(normalizeVip("192.168.50.100/32 dev eth0")).toBe("192.168.50.100");
    expect(normalizeVip("[2001:DB8::1]")).toBe("2001:db8::1");
    expect(normalizeVip(" 10.0.0.1/24")).toBe("10.0.0.1");
  });
});

describe("service keys", () => {
  it("are parsed into protocol, VIP and port, or mark and family", () => {
    expect(parseServiceKey("TCP 192.168.50.100:443")).toEqual({ kind: "address", protocol: "TCP", address: "192.168.50.100", port: 443 });
    expect(parseServiceKey("UDP [2001:DB8::1]:53")).toEqual({ kind: "address", protocol: "UDP", address: "2001:db8::1", port: 53 });
    expect(parseServiceKey("FWM 100 IPv6")).toEqual({ kind: "fwmark", mark: 100, family: "inet6" });
    expect(parseServiceKey("nonsense")).toBeNull();
  });

  it("give the VIP a service listens on, none for a firewall mark", () => {
    expect(vipOfServiceKey("SCTP 10.0.0.1:9")).toBe("10.0.0.1");
    expect(vipOfServiceKey("FWM 100")).toBeNull();
  });
});

describe("vipInScope", () => {
  it("admits any VIP without a scope and only listed VIPs with one", () => {
    expect(vipInScope("10.0.0.1/32", null)).toBe(true);
    expect(vipInScope("10.0.0.1/32", ["10.0.0.1"])).toBe(true);
    expect(vipInScope("10.0.0.2", ["10.0.0.1"])).toBe(false);
  });
});
