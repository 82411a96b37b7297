// The lab's network: one namespace holding a bridge per L2 segment, and one namespace per director (and the bench's
// hub) with a veth into it. Both ends of every veth are created inside namespaces of ours and every
// address is in 198.51.100.0/24: the host's own network namespace is never changed.
import { execFileSync } from "node:child_process";
import type { LabPlan } from "./plan";
import { namespacesOf } from "./plan";

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "pipe", encoding: "utf8" });

/** The names of the network namespaces that start with `prefix` (leftovers included). */
export function namespacesWithPrefix(prefix: string): string[] {
  let text: string;
  try {
    text = ip("netns", "list");
  } catch {
    return [];
  }
  // Lines look like `lvsdk-lab-d1 (id: 3)` or just `lvsdk-lab-d1`.
  return text.split("\n").map((line) => line.split(" ")[0] ?? "").filter((name) => name.startsWith(prefix));
}

/** Pids of every process in the namespace (keepalived, agents, relays, holders), by `ip netns pids`. */
export function pidsInNamespace(ns: string): number[] {
  try {
    return ip("netns", "pids", ns).split("\n").map(Number).filter((pid) => Number.isInteger(pid) && pid > 0);
  } catch {
    return [];
  }
}

/**
 * Deletes every namespace starting with `prefix`, first killing (SIGKILL) each process inside it: a
 * process left in a namespace would keep it, its veth and a VIP alive after `ip netns del`. Synchronous,
 * so it also runs from an exit handler; safe to call at any time.
 */
export function deleteNamespaces(prefix: string): string[] {
  const deleted: string[] = [];
  for (const ns of namespacesWithPrefix(prefix)) {
    for (const pid of pidsInNamespace(ns)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // exited meanwhile
      }
    }
    try {
      ip("netns", "del", ns);
      deleted.push(ns);
    } catch {
      // already gone
    }
  }
  return deleted;
}

/** The bridge of one L2 segment, in the bridge namespace: `br0`, `br1`, … */
export function bridgeOf(segment: number): string {
  return `br${segment}`;
}

/** The bridge port of a director or the hub: `vb0` is the hub's (if any), then `vb1`… for d1… */
export function bridgePort(plan: LabPlan, ns: string): string {
  const index = namespacesOf(plan).indexOf(ns) - 1;
  if (index < 0) throw new Error(`${ns} is not on the lab bridge`);
  return `vb${index}`;
}

/** Creates the bridge and one veth per member; deletes what a previous run of this prefix left first. */
export function createNetwork(plan: LabPlan): void {
  deleteNamespaces(plan.prefix);
  ip("netns", "add", plan.bridgeNs);
  for (const segment of new Set([0, ...plan.directors.map((d) => d.segment)])) {
    ip("-n", plan.bridgeNs, "link", "add", bridgeOf(segment), "type", "bridge");
    ip("-n", plan.bridgeNs, "link", "set", bridgeOf(segment), "up");
  }
  // The bench's hub namespace sits on segment 0.
  const members = [...(plan.hub === null ? [] : [{ ...plan.hub, segment: 0 }]), ...plan.directors];
  for (const { ns, address, segment } of members) {
    const port = bridgePort(plan, ns);
    ip("netns", "add", ns);
    ip("-n", plan.bridgeNs, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
    ip("-n", plan.bridgeNs, "link", "set", port, "master", bridgeOf(segment), "up");
    ip("-n", ns, "link", "set", "lo", "up");
    ip("-n", ns, "link", "set", "eth0", "up");
    ip("-n", ns, "addr", "add", `${address}/24`, "dev", "eth0");
  }
}

/**
 * Takes a director off the bridge (or back): its eth0 keeps its carrier, so keepalived sees no link
 * fault, but no VRRP advert crosses any more: each side elects itself, a split brain. The agents'
 * way to the hub does not use the bridge, so the hub keeps hearing both.
 */
export function setOnBridge(plan: LabPlan, ns: string, on: boolean): void {
  const port = bridgePort(plan, ns);
  const segment = plan.directors.find((d) => d.ns === ns)?.segment ?? 0;
  if (on) ip("-n", plan.bridgeNs, "link", "set", port, "master", bridgeOf(segment));
  else ip("-n", plan.bridgeNs, "link", "set", port, "nomaster");
}

/** The IPv4 addresses on a namespace's eth0. */
export function addressesIn(ns: string): string[] {
  const links = JSON.parse(ip("-n", ns, "-j", "addr", "show", "dev", "eth0")) as Array<{ addr_info?: Array<{ family?: string; local?: string }> }>;
  return links.flatMap((l) => l.addr_info ?? []).filter((a) => a.family === "inet" && a.local !== undefined).map((a) => a.local as string);
}

/** Removes an address from a namespace's eth0, as an operator cleaning up after a dead MASTER would. */
export function deleteAddress(ns: string, address: string): void {
  ip("-n", ns, "addr", "del", `${address}/24`, "dev", "eth0");
}

/** Adds the tracked interface (a veth pair: this kernel may lack the dummy driver) inside `ns`, up. */
export function addTrackedInterface(ns: string, name: string): void {
  ip("-n", ns, "link", "add", name, "type", "veth", "peer", "name", `${name}-peer`);
  ip("-n", ns, "link", "set", `${name}-peer`, "up");
  ip("-n", ns, "link", "set", name, "up");
}

/** Takes an interface inside `ns` down or up (`ip link set`), as a failed uplink would. */
export function setInterface(ns: string, name: string, up: boolean): void {
  ip("-n", ns, "link", "set", name, up ? "up" : "down");
}
