import type { DirectorSnapshot, DirectorView } from "@lvsdeck/protocol";

/**
 * What an operator sees change in a snapshot: VRRP states and priorities, VIPs, keepalived, sync daemons, the set of
 * services and real servers with their weights and health. Counters and rates change every tick and
 * are not part of it.
 */
export function snapshotShape(s: DirectorSnapshot): string {
  return JSON.stringify([
    s.keepalived.running,
    s.vrrp.map((v) => [v.name, v.state, v.effectivePriority]),
    s.vipsPresent,
    s.connectionSync?.daemons?.map((d) => [d.role, d.syncId]) ?? null,
    s.services.map((svc) => [svc.key, svc.scheduler, svc.realServers.map((rs) => [rs.key, rs.weight, rs.health])]),
  ]);
}

/** The shape of a director's live view: its snapshot's shape plus whether it is connected and fresh. */
export function viewShape(view: DirectorView): string {
  return `${view.connected ? 1 : 0}${view.stale ? 1 : 0}${view.snapshot ? snapshotShape(view.snapshot) : ""}`;
}
