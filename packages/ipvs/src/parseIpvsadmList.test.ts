import { describe, expect, it } from "vitest";
import { parseIpvsadmList, parseIpvsadmTunInfo, parseTunnelInfo } from "./parseIpvsadmList";
import { parseIpvsadmStats } from "./parseStats";
import { parseIpvsadmSave } from "./parseIpvsadmSave";

// The constructed example of ipvs-keepalived-formats.md §1.2, with ipvsadm's trailing spaces.
const LISTING = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  10.0.0.100:80 wlc
  -> 127.0.0.1:80                 Local   1      0          0         
  -> 192.168.1.10:80              Route   1      12         40        
TCP  10.0.0.100:443 rr persistent 300
  -> 192.168.1.10:8443            Masq    100    5          2         
UDP  10.0.0.100:53 sh (sh-fallback,sh-port) ops
  -> 192.168.1.12:53              Tunnel  1      0          0         
SCTP 10.0.0.100:3868 rr pe sip
TCP  [2001:db8::100]:80 wlc persistent 300 mask 64
  -> [2001:db8::10]:80            Route   1      0          0         
FWM  7 wrr persistent 600 mask 255.255.255.0
  -> 192.168.1.10:0               Route   2      0          0         
FWM  200 IPv6 lc
  -> [2001:db8::10]:0             FullNat 1      0          0         
FWM  -1 rr
`;

describe("parseIpvsadmList", () => {
  it("reads protocols, fwmarks, IPv6, persistence masks, scheduler flags, ops and pe", () => {
    const { value, errors } = parseIpvsadmList(LISTING);
    expect(errors).toEqual([]);
    expect(value.services.map((s) => s.key)).toEqual([
      "TCP 10.0.0.100:80", "TCP 10.0.0.100:443", "UDP 10.0.0.100:53", "SCTP 10.0.0.100:3868", "TCP [2001:db8::100]:80", "FWM 7", "FWM 200 IPv6", "FWM 4294967295",
    ]);
    const [tcp, persistent, udp, sctp, v6, fwm, fwm6] = value.services;
    expect(tcp?.realServers.map((d) => d.forwarding)).toEqual(["Local", "Route"]);
    expect(persistent?.persistence).toEqual({ timeoutSec: 300, netmask: "255.255.255.255" });
    expect(udp).toMatchObject({ scheduler: "sh", schedulerFlags: ["sh-fallback", "sh-port"], onePacket: true });
    expect(sctp).toMatchObject({ protocol: "SCTP", pe: "sip", realServers: [] });
    expect(v6).toMatchObject({ family: "inet6", address: "2001:db8::100", persistence: { timeoutSec: 300, netmask: "64" } });
    expect(fwm).toMatchObject({ fwmark: 7, protocol: null, persistence: { timeoutSec: 600, netmask: "255.255.255.0" } });
    expect(fwm6).toMatchObject({ fwmark: 200, family: "inet6" });
    expect(fwm6?.realServers[0]).toMatchObject({ key: "[2001:db8::10]:0", forwarding: "FullNat" });
  });

  it("turns garbled lines into errors naming the line and still returns the rest", () => {
    const garbled = LISTING.replace("  -> 192.168.1.10:8443            Masq    100", "  -> 192.168.1.10:8443            Bogus   100")
      .replace("UDP  10.0.0.100:53 sh", "UDP  10.0.0.300:53 sh")
      .concat("hello world\n");
    const { value, errors } = parseIpvsadmList(garbled);
    expect(errors.map((e) => [e.line, e.message])).toEqual([
      [8, "unknown forwarding method 'Bogus'"],
      [9, "'10.0.0.300:53' is not an address:port"],
      [10, "real server under the unreadable service line 9"],
      [19, "unknown protocol 'hello'"],
    ]);
    expect(errors[0]?.text).toContain("Bogus");
    expect(value.services.map((s) => s.key)).not.toContain("UDP 10.0.0.100:53");
    expect(value.services).toHaveLength(7);
    expect(value.services[1]?.realServers).toEqual([]);
  });

  it("reports the titles of another listing instead of misreading its rows", () => {
    const { errors } = parseIpvsadmList("Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/column titles/);
  });

  it("reads a single-service listing that has no version line, and huge Debian weights", () => {
    const { value, errors } = parseIpvsadmList("Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\nTCP  10.0.0.1:80 wrr\n  -> 10.0.0.2:80                  Route   2147483647 0          0\n");
    expect(errors).toEqual([]);
    expect(value.version).toBeNull();
    expect(value.services[0]?.realServers[0]?.weight).toBe(2147483647);
  });
});

describe("parseIpvsadmStats", () => {
  it("reads K/M/G/T suffixes as truncated multiples of 1000", () => {
    const text = "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n  -> RemoteAddress:Port\nTCP  10.0.0.100:80                   52311  1843221        0  234567K        0\n  -> 192.168.1.10:80                 26001   921000       1M       3G       4T\nFWM  200 IPv6                            1        2        3        4        5\n";
    const { value, errors } = parseIpvsadmStats(text);
    expect(errors).toEqual([]);
    expect(value.services[0]).toMatchObject({ approximate: true, values: { conns: 52311, inBytes: 234567000 } });
    expect(value.services[0]?.realServers[0]?.values).toEqual({ conns: 26001, inPkts: 921000, outPkts: 1e6, inBytes: 3e9, outBytes: 4e12 });
    expect(value.services[1]).toMatchObject({ key: "FWM 200 IPv6", approximate: false });
  });
});

describe("parseIpvsadmTunInfo", () => {
  it("reads every tunnel info form", () => {
    const text = "Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\nUDP  10.0.0.100:53 rr\n  -> 192.168.1.12:53              Tunnel  gue:6080:+c   1      0          0\n  -> 192.168.1.13:53              Route   n/a           1      0          0\n  -> 192.168.1.14:53              Tunnel  gre:-c        1      0          0\n";
    const { value, errors } = parseIpvsadmTunInfo(text);
    expect(errors).toEqual([]);
    expect(value.services[0]?.realServers.map((d) => d.tunnel)).toEqual([{ type: "gue", port: 6080, checksum: "csum" }, null, { type: "gre", port: null, checksum: "nocsum" }]);
    expect(parseTunnelInfo("gue:x:-c").ok).toBe(false);
  });
});

describe("parseIpvsadmSave", () => {
  it("reads the §1.8 rules, including flags, pe, ops and tunnel options", () => {
    const text = "-A -u 10.0.0.100:53 -s sh -o -b sh-fallback,sh-port\n-a -u 10.0.0.100:53 -r 192.168.1.12:53 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum\n-A -f 8 -6 -s lc\n-a -f 8 -6 -r [2001:db8::10]:0 -g -w 1\n-A -t [2001:db8::100]:80 -s wlc -p 300 -M 64\n-a -t 10.9.9.9:80 -r 1.2.3.4:80 -g -w 1\n";
    const { value, errors } = parseIpvsadmSave(text);
    expect(errors.map((e) => e.line)).toEqual([6]);
    expect(value.services[0]).toMatchObject({ onePacket: true, schedulerFlags: ["sh-fallback", "sh-port"] });
    expect(value.services[0]?.realServers[0]?.tunnel).toEqual({ type: "gue", port: 6080, checksum: "nocsum" });
    expect(value.services[1]).toMatchObject({ key: "FWM 8 IPv6", realServers: [{ key: "[2001:db8::10]:0" }] });
    expect(value.services[2]?.persistence).toEqual({ timeoutSec: 300, netmask: "64" });
  });
});
