import { formatAddressPort } from "@lvsdeck/protocol";
import type { IpvsTimeouts } from "@lvsdeck/protocol";
import { groupsToIpv6, intToIpv4 } from "./addresses";
import { expiresInSec, type SimConn } from "./connectionTable";
import type { PersistenceTemplate } from "./persistence";

/** One row of the connection table with the fields `ipvsadm -Lnc` prints. */
export interface SimConnection {
  protocol: "TCP" | "UDP" | "SCTP" | "IP";
  expiresInSec: number;
  state: string;
  /** `address:port` as ipvsadm prints it (IPv6 in brackets). */
  client: string;
  virtual: string;
  destination: string;
}

/** Formats a live connection as an `ipvsadm -Lnc` row. */
export function connectionRow(conn: SimConn, now: number, timeouts: IpvsTimeouts): SimConnection {
  const rs = conn.dest.config;
  return {
    protocol: conn.service.config.protocol ?? "TCP",
    expiresInSec: expiresInSec(conn, now, timeouts),
    state: conn.state,
    client: formatAddressPort(conn.client, conn.clientPort),
    virtual: formatAddressPort(conn.vaddr, conn.vport),
    // Port-0 real servers (fwmark services) receive on whatever port the client asked for.
    destination: formatAddressPort(rs.address, rs.port === 0 ? conn.vport : rs.port),
  };
}

/**
 * Formats a persistence template as ipvsadm shows it: state NONE, client port 0, and for fwmark
 * services protocol IP with the mark printed where the virtual address would be.
 */
export function templateRow(t: PersistenceTemplate, now: number): SimConnection {
  const c = t.service.config;
  let virtual: string;
  if (c.fwmark !== null) {
    const markAddress = c.family === "inet6" ? groupsToIpv6([0, 0, 0, 0, 0, 0, c.fwmark >>> 16, c.fwmark & 0xffff]) : intToIpv4(c.fwmark);
    virtual = formatAddressPort(markAddress, 0);
  } else {
    virtual = formatAddressPort(c.address ?? "0.0.0.0", c.port ?? 0);
  }
  return {
    protocol: c.fwmark !== null ? "IP" : (c.protocol ?? "TCP"),
    expiresInSec: Math.max(0, Math.ceil((t.expiresAt - now) / 1000)),
    state: "NONE",
    client: formatAddressPort(t.client, 0),
    virtual,
    destination: formatAddressPort(t.dest.config.address, t.dest.config.port),
  };
}
