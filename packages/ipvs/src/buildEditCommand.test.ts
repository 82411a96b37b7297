import { describe, expect, it } from "vitest";
import { buildEditRealServerArgs } from "./buildEditCommand";
import type { EditRealServerInput } from "./buildEditCommand";

const base: EditRealServerInput = {
  service: { family: "inet", protocol: "TCP", address: "10.0.0.100", port: 80, fwmark: null },
  realServer: { address: "10.0.0.12", port: 8080, forwarding: "Masq", upperThreshold: 100, lowerThreshold: 10 },
  weight: 5,
};

describe("buildEditRealServerArgs", () => {
  it("re-sends forwarding and thresholds because ipvsadm -e resets them", () => {
    expect(buildEditRealServerArgs(base)).toEqual({ ok: true, argv: ["-e", "-t", "10.0.0.100:80", "-r", "10.0.0.12:8080", "-m", "-w", "5", "-x", "100", "-y", "10"] });
  });

  it("writes UDP, SCTP, IPv6 and fwmark services and every forwarding flag", () => {
    const argv = (input: Partial<EditRealServerInput>) => {
      const result = buildEditRealServerArgs({ ...base, ...input });
      return result.ok ? result.argv.slice(0, result.argv.indexOf("-w")).join(" ") : result.error.field;
    };
    expect(argv({ service: { ...base.service, protocol: "UDP" } })).toBe("-e -u 10.0.0.100:80 -r 10.0.0.12:8080 -m");
    expect(argv({ service: { ...base.service, protocol: "SCTP" } })).toBe("-e --sctp-service 10.0.0.100:80 -r 10.0.0.12:8080 -m");
    expect(argv({ service: { family: "inet6", protocol: "TCP", address: "2001:DB8:0::100", port: 80, fwmark: null }, realServer: { ...base.realServer, address: "2001:db8::11", forwarding: "Route" } }))
      .toBe("-e -t [2001:db8::100]:80 -r [2001:db8::11]:8080 -g");
    expect(argv({ service: { family: "inet6", protocol: null, address: null, port: null, fwmark: 200 } })).toBe("-e -f 200 -6 -r 10.0.0.12:8080 -m");
    expect(argv({ service: { family: "inet", protocol: null, address: null, port: null, fwmark: 10 }, realServer: { ...base.realServer, port: 0, forwarding: "Tunnel" } })).toBe("-e -f 10 -r 10.0.0.12:0 -i");
    expect(argv({ realServer: { ...base.realServer, forwarding: "Local" } })).toBe("-e -t 10.0.0.100:80 -r 10.0.0.12:8080 -g");
    expect(argv({ realServer: { ...base.realServer, forwarding: "FullNat" } })).toBe("realServer.forwarding");
  });

  it("re-sends tunnel options", () => {
    const result = buildEditRealServerArgs({ ...base, realServer: { ...base.realServer, forwarding: "Tunnel", tunnel: { type: "gue", port: 6080, checksum: "remcsum" } } });
    expect(result.ok && result.argv.slice(12)).toEqual(["--tun-type", "gue", "--tun-port", "6080", "--tun-remcsum"]);
  });

  it.each([
    ["1.2.3.4;rm -rf /", "realServer.address"],
    ["-x", "realServer.address"],
    ["--help", "realServer.address"],
    ["10.0.0.1 -w 9", "realServer.address"],
    ["lb.example.com", "realServer.address"],
    ["010.0.0.1", "realServer.address"],
    ["256.0.0.1", "realServer.address"],
    ["[2001:db8::1]", "realServer.address"],
    ["2001:db8::1::2", "realServer.address"],
    ["$(reboot)", "realServer.address"],
  ])("refuses the real server address %j", (address, field) => {
    const result = buildEditRealServerArgs({ ...base, realServer: { ...base.realServer, address } });
    expect(result).toMatchObject({ ok: false, error: { kind: "invalid-input", field } });
  });

  it("refuses bad weights, ports, thresholds and service addresses", () => {
    const field = (input: EditRealServerInput) => {
      const result = buildEditRealServerArgs(input);
      return result.ok ? "ok" : result.error.field;
    };
    for (const weight of [-1, 1.5, Number.NaN, 2147483648]) expect(field({ ...base, weight })).toBe("weight");
    expect(field({ ...base, weight: 0 })).toBe("ok");
    expect(field({ ...base, weight: 65535 })).toBe("ok");
    // The kernel and Debian's ipvsadm take any weight up to INT_MAX.
    expect(field({ ...base, weight: 65536 })).toBe("ok");
    expect(field({ ...base, weight: 2147483647 })).toBe("ok");
    expect(field({ ...base, weight: "5" as unknown as number })).toBe("weight");
    expect(field({ ...base, realServer: { ...base.realServer, port: 70000 } })).toBe("realServer.address");
    expect(field({ ...base, realServer: { ...base.realServer, upperThreshold: -1 } })).toBe("realServer.upperThreshold");
    expect(field({ ...base, service: { ...base.service, address: "-t" } })).toBe("service.address");
    expect(field({ ...base, service: { ...base.service, protocol: null } })).toBe("service.protocol");
    expect(field({ ...base, service: { ...base.service, fwmark: 0 } })).toBe("service.fwmark");
  });
});
