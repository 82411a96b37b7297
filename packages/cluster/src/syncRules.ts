import type { ConnectionSync, DirectorId, Verdict } from "@lvsdeck/protocol";
import { makeVerdict } from "./verdictOptions";
import type { InstanceGroup } from "./vrrpRules";
import { freshMasterAndBackups, groupScope } from "./vrrpRules";

/**
 * Whether a BACKUP would keep the MASTER's clients if it took over now, from what both report:
 * - `unknown`: one of them does not say which sync daemons run (an older agent, no ipvsadm);
 * - `not-set-up`: neither runs its daemon: sync is not configured, every client reconnects on failover;
 * - `stopped`: one side runs its daemon and the other does not, or their sync ids differ;
 * - `syncing`: both run; `share` is the BACKUP's synced entries over the MASTER's own (null when not
 *   counted, or when the MASTER has no connections to carry).
 */
export type SyncReading =
  | { kind: "unknown"; why: string }
  | { kind: "not-set-up" }
  | { kind: "stopped"; director: DirectorId; why: string }
  | { kind: "syncing"; syncId: number; local: number | null; synced: number | null; share: number | null };

/** One side of a sync pair: a director and what it reports. */
export interface SyncSide {
  id: DirectorId;
  sync: ConnectionSync | undefined;
}

/** How {@link SyncReading} `master` → `backup` stands now. */
export function syncReading(master: SyncSide, backup: SyncSide): SyncReading {
  for (const side of [master, backup]) {
    if (side.sync === undefined || side.sync.daemons === null) return { kind: "unknown", why: `${side.id} does not report its sync daemons` };
  }
  const sending = master.sync?.daemons?.find((d) => d.role === "master");
  const receiving = backup.sync?.daemons?.find((d) => d.role === "backup");
  if (sending === undefined && receiving === undefined) return { kind: "not-set-up" };
  if (sending === undefined) return { kind: "stopped", director: master.id, why: `${master.id} runs no master sync daemon: it sends none of its connections to ${backup.id}` };
  if (receiving === undefined) return { kind: "stopped", director: backup.id, why: `${backup.id} runs no backup sync daemon: it takes none of ${master.id}'s connections` };
  if (sending.syncId !== receiving.syncId) {
    return { kind: "stopped", director: backup.id, why: `sync ids differ (${master.id} sends ${sending.syncId}, ${backup.id} takes ${receiving.syncId}): ${backup.id} drops every sync message` };
  }
  const local = master.sync?.entries?.local ?? null;
  const synced = backup.sync?.entries?.synced ?? null;
  const share = local === null || synced === null || local === 0 ? null : Math.min(1, synced / local);
  return { kind: "syncing", syncId: sending.syncId, local, synced, share };
}

const grouped = (n: number) => n.toLocaleString("en-US");

/** The reading in an operator's words, as the group view, the preflight and the alert say it. */
export function describeSync(reading: SyncReading, master: DirectorId, backup: DirectorId): string {
  switch (reading.kind) {
    case "unknown":
      return `connection sync not known: ${reading.why}`;
    case "not-set-up":
      return `no connection sync between ${master} and ${backup}: every client reconnects on failover`;
    case "stopped":
      return `connection sync stopped: ${reading.why}; clients would lose their connections on failover`;
    case "syncing":
      if (reading.share !== null) {
        return `clients that would keep their connection on failover to ${backup} now: ${Math.floor(reading.share * 100)} % (${grouped(reading.synced ?? 0)} of ${grouped(reading.local ?? 0)} entries synced)`;
      }
      if (reading.local === 0) return `connection sync running (sync id ${reading.syncId}); ${master} has no connections to carry now`;
      return `connection sync running (sync id ${reading.syncId}); entries not counted`;
  }
}

/**
 * sync-stopped: in a VRRP group with one fresh MASTER, the MASTER or a fresh BACKUP runs its sync daemon
 * and the other does not (or their sync ids differ): the BACKUP holds none of the new connections, so
 * clients lose theirs on failover. Neither running is sync not set up, which is no alert.
 */
export function syncStoppedVerdicts(groups: readonly InstanceGroup[], now: number): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const group of groups) {
    const pairs = freshMasterAndBackups(group);
    if (pairs === null) continue;
    for (const backup of pairs.backups) {
      const reading = syncReading({ id: pairs.master.id, sync: pairs.master.snapshot.connectionSync }, { id: backup.id, sync: backup.snapshot.connectionSync });
      if (reading.kind !== "stopped") continue;
      verdicts.push(makeVerdict("sync-stopped", { ...groupScope(group), director: reading.director }, `${group.label} ${describeSync(reading, pairs.master.id, backup.id)}`, now));
    }
  }
  return verdicts;
}
