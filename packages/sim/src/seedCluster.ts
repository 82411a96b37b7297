import type { SimClusterConfig, SimServiceConfig, SimTrafficProfile } from "./clusterConfig";

const INSTANCE = "VI_88";

// Per-connection traffic shapes; the numbers only need to look like a busy small site.
const https: SimTrafficProfile = {
  cps: 22,
  lifetimeSec: [2, 60],
  inPps: 12,
  inPacketBytes: 180,
  outPps: 18,
  outPacketBytes: 1200,
};
const http: SimTrafficProfile = { ...https, cps: 14, lifetimeSec: [1, 30] };
const dns: SimTrafficProfile = {
  cps: 6,
  lifetimeSec: [0, 1],
  inPps: 2,
  inPacketBytes: 72,
  outPps: 2,
  outPacketBytes: 160,
};

const rs = (address: string, port: number, weight: number) => ({ address, port, weight });

const services: SimServiceConfig[] = [
  {
    protocol: "TCP", address: "192.168.50.100", port: 443, fwmark: null, family: "inet",
    scheduler: "wrr", persistence: { timeoutSec: 120, netmask: null }, forwarding: "Route", instance: INSTANCE,
    realServers: [rs("192.168.50.11", 443, 2), rs("192.168.50.12", 443, 2)],
    traffic: https,
    // The seed's TCP_CHECK without inhibit_on_failure: keepalived deletes a failed server from the table.
    inhibitOnFailure: false,
    checker: "TCP_CHECK",
  },
  {
    protocol: "TCP", address: "192.168.50.101", port: 80, fwmark: null, family: "inet",
    scheduler: "wlc", persistence: null, forwarding: "Masq", instance: INSTANCE,
    realServers: [rs("10.50.0.21", 8080, 1), rs("10.50.0.22", 8080, 1), rs("10.50.0.23", 8080, 2)],
    traffic: http,
    inhibitOnFailure: true,
    checker: "HTTP_GET",
  },
  {
    protocol: "UDP", address: "192.168.50.102", port: 53, fwmark: null, family: "inet",
    scheduler: "rr", persistence: null, forwarding: "Route", instance: INSTANCE,
    realServers: [rs("192.168.50.31", 53, 1), rs("192.168.50.32", 53, 1)],
    traffic: dns,
    inhibitOnFailure: true,
    checker: "MISC_CHECK",
  },
  {
    protocol: "TCP", address: "2001:db8:50::100", port: 443, fwmark: null, family: "inet6",
    scheduler: "wlc", persistence: null, forwarding: "Route", instance: INSTANCE,
    realServers: [rs("2001:db8:50::11", 443, 1), rs("2001:db8:50::12", 443, 1)],
    traffic: { ...https, cps: 5 },
    inhibitOnFailure: true,
    checker: "TCP_CHECK",
  },
  {
    protocol: null, address: null, port: null, fwmark: 100, family: "inet",
    scheduler: "wrr", persistence: { timeoutSec: 300, netmask: "255.255.255.0" }, forwarding: "Route",
    instance: INSTANCE,
    realServers: [rs("192.168.50.41", 0, 3), rs("192.168.50.42", 0, 1)],
    // An iptables mangle rule marks 8080/8443 on the .100 VIP so both ports share persistence.
    traffic: { ...http, cps: 6, targets: [{ address: "192.168.50.100", port: 8080 }, { address: "192.168.50.100", port: 8443 }] },
    inhibitOnFailure: true,
    checker: "TCP_CHECK",
  },
];

/** The reference deployment (the README's seed cluster), widened to show NAT, UDP, IPv6 and fwmark services. */
export const seedCluster: SimClusterConfig = {
  directors: [
    { name: "lvs-dir-01", priorities: { [INSTANCE]: 200 } },
    { name: "lvs-dir-02", priorities: { [INSTANCE]: 100 } },
  ],
  vrrp: [
    {
      name: INSTANCE,
      vrid: 88,
      interface: "eth0",
      advertIntervalMs: 1000,
      preempt: true,
      vips: ["192.168.50.100", "192.168.50.101", "192.168.50.102", "2001:db8:50::100"],
    },
  ],
  services,
  timeouts: { tcp: 900, tcpFin: 120, udp: 300 },
  defaultPriority: 100,
  connectionSync: { interface: "eth0", instance: INSTANCE, syncId: 88 },
};
