import { describe, expect, it } from "vitest";
import { parseConnections } from "./parseConnections";
import { parseProcIpVs } from "./parseProcIpVs";

describe("parseConnections", () => {
  it("reads -Lnc rows: templates, fwmark templates as 0.0.0.100 and [0:c8::], long expiry, PE columns", () => {
    const text = [
      "IPVS connection entries",
      "pro expire state       source             virtual            destination        pe name          pe_data",
      "TCP 14:58  ESTABLISHED 203.0.113.7:51514  10.0.0.100:80      192.168.1.10:80",
      "TCP 04:12  NONE        203.0.113.7:0      10.0.0.100:443     192.168.1.10:8443",
      "IP  09:40  ASSURED     203.0.113.0:0      0.0.0.100:0        192.168.1.10:0",
      "IP  09:40  NONE        [2001:db8:50::]:0  [0:c8::]:0         [2001:db8::10]:0",
      "SCTP 180:00 C-ECHOED   198.51.100.4:33000 10.0.0.100:3868    192.168.1.12:3868",
      "UDP 04:59  UDP         198.51.100.9:5060  10.0.0.100:5060    192.168.1.20:5060 sip                a84b4c76e66710",
    ].join("\n");
    const { value, errors } = parseConnections(text);
    expect(errors).toEqual([]);
    expect(value.map((e) => [e.serviceKey, e.activity, e.expiresSec])).toEqual([
      ["TCP 10.0.0.100:80", "active", 898],
      ["TCP 10.0.0.100:443", "template", 252],
      ["FWM 100", "template", 580],
      ["FWM 200 IPv6", "template", 580],
      ["SCTP 10.0.0.100:3868", "inactive", 10800],
      ["UDP 10.0.0.100:5060", "inactive", 299],
    ]);
    expect(value[5]).toMatchObject({ peName: "sip", peData: "a84b4c76e66710" });
  });

  it("reads /proc/net/ip_vs_conn and ip_vs_conn_sync rows in hex, IPv6 in full form", () => {
    const text = [
      "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData",
      "TCP CB007107 C93A 0A000064 0050 C0A8010A 0050 ESTABLISHED     898",
      "IP  CB007100 0000 00000007 0000 C0A8010A 0000 NONE            580",
      "UDP C6336409 13C4 0A000064 13C4 C0A80114 13C4 UDP             299 sip a84b4c76e66710",
      "TCP 2001:0db8:0001:0000:0000:0000:0000:0007 9C40 2001:0db8:0000:0000:0000:0000:0000:0100 0050 2001:0db8:0000:0000:0000:0000:0000:0010 0050 SYN_RECV         59",
      "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires",
      "TCP CB007109 C990 0A000064 0050 C0A8010B 0050 ESTABLISHED SYNC       170",
    ].join("\n");
    const { value, errors } = parseConnections(text);
    expect(errors).toEqual([]);
    expect(value[0]).toMatchObject({ client: { address: "203.0.113.7", port: 51514 }, realServerKey: "192.168.1.10:80", expiresSec: 898 });
    expect(value[1]).toMatchObject({ serviceKey: "FWM 7", template: true });
    expect(value[2]).toMatchObject({ peName: "sip", peData: "a84b4c76e66710", origin: null });
    expect(value[3]).toMatchObject({ family: "inet6", serviceKey: "TCP [2001:db8::100]:80", realServerKey: "[2001:db8::10]:80", activity: "active" });
    expect(value[4]).toMatchObject({ origin: "SYNC", expiresSec: 170 });
  });

  it("turns a garbled row into an error naming the line and keeps the others", () => {
    const text = "IPVS connection entries\nTCP 14:58  ESTABLISHED 203.0.113.7:51514  10.0.0.100:80      192.168.1.10:80\nTCP 14:58  ESTABLISHED 203.0.113.7;rm  10.0.0.100:80      192.168.1.10:80\nTCP 1x:58  ESTABLISHED 203.0.113.7:1  10.0.0.100:80      192.168.1.10:80\n\x00\x01garbage\nTCP 00:01  TIME_WAIT   203.0.113.8:2  10.0.0.100:80      192.168.1.10:80\n";
    const { value, errors } = parseConnections(text);
    expect(value).toHaveLength(2);
    expect(errors.map((e) => e.line)).toEqual([3, 4, 5]);
  });
});

describe("parseProcIpVs", () => {
  it("reads the §2.1 example: hex addresses, ops, fwmark in hex, persistence in jiffies at a given HZ", () => {
    const text = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port Forward Weight ActiveConn InActConn
TCP  0A000064:0050 wlc  
  -> C0A8010A:0050      Route   1      12         40        
TCP  0A000064:01BB rr  persistent 75000 FFFFFFFF
  -> C0A8010A:20FB      Masq    100    5          2         
UDP  0A000064:0035 sh ops  
FWM  00000007 wrr persistent 150000 FFFFFF00
TCP  [2001:0db8:0000:0000:0000:0000:0000:0100]:0050 wlc persistent 25000 40000000
  -> [2001:0db8:0000:0000:0000:0000:0000:0010]:0050      Route   1      0          0         
`;
    const { value, errors } = parseProcIpVs(text, { hz: 100 });
    expect(errors).toEqual([]);
    expect(value.services.map((s) => [s.key, s.persistence, s.onePacket])).toEqual([
      ["TCP 10.0.0.100:80", null, false],
      ["TCP 10.0.0.100:443", { timeoutSec: 750, netmask: "255.255.255.255" }, false],
      ["UDP 10.0.0.100:53", null, true],
      ["FWM 7", { timeoutSec: 1500, netmask: "255.255.255.0" }, false],
      ["TCP [2001:db8::100]:80", { timeoutSec: 250, netmask: "64" }, false],
    ]);
    expect(value.services[1]?.realServers[0]).toMatchObject({ key: "192.168.1.10:8443", forwarding: "Masq", weight: 100 });
    expect(parseProcIpVs(text).value.services[1]?.persistence?.timeoutSec).toBe(300);
  });
});
