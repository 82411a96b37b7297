import { FAILOVER_HOLD_VALUE, FAILOVER_TRACK_NAME } from "@lvsdeck/protocol";
import type { DirectorId, DirectorView, PreflightCheck, PreflightResponse, VirtualService, VrrpInstance } from "@lvsdeck/protocol";
import { vrrpGroups, vrrpInstanceGroups } from "./groups";
import { isOut } from "./serviceRules";
import type { FreshDirector } from "./staleness";
import { isFresh } from "./staleness";
import { describeSync, syncReading } from "./syncRules";
import { groupServices } from "./tableRules";
import { diffTables } from "./tableDiff";
import type { InstanceGroup } from "./vrrpRules";

/** A BACKUP holding at least this share of the MASTER's connections counts as caught up. */
export const SYNC_CAUGHT_UP_SHARE = 0.9;

/** The failover file as keepalived's dump shows it on an instance; undefined when the dump says nothing of tracks. */
function failoverTrack(instance: VrrpInstance) {
  return instance.tracks === undefined ? undefined : (instance.tracks.find((t) => t.kind === "file" && t.name === FAILOVER_TRACK_NAME) ?? null);
}

/** True while the director's instances are held down: keepalived reads the held value from the failover file. */
export function isHeld(view: DirectorView): boolean {
  return (view.snapshot?.vrrp ?? []).some((i) => failoverTrack(i)?.value === FAILOVER_HOLD_VALUE);
}

const check = (id: string, status: PreflightCheck["status"], text: string): PreflightCheck => ({ id, status, text });
const canTake = (service: VirtualService) => service.realServers.filter((rs) => !isOut(rs)).length;

/** The BACKUP that takes over when the MASTER drops to priority 1: the fresh one of highest priority that preempts. */
function takeoverOf(group: InstanceGroup, master: DirectorId): { backup: FreshDirector; instance: VrrpInstance } | null {
  const candidates = group.members.flatMap((m) =>
    m.director.id !== master && m.state === "BACKUP" && m.instance !== null && m.instance.preempt && isFresh(m.director) && !isHeld(m.director) ? [{ backup: m.director, instance: m.instance }] : [],
  );
  candidates.sort((a, b) => b.instance.effectivePriority - a.instance.effectivePriority || a.backup.id.localeCompare(b.backup.id));
  return candidates[0] ?? null;
}

/** What moving one group off `master` would break: a BACKUP to take it, tables, sync, real servers. */
function groupChecks(group: InstanceGroup, master: FreshDirector): { checks: PreflightCheck[]; takeover: DirectorId | null } {
  const key = group.key;
  const backups = group.members.filter((m) => m.director.id !== master.id && m.state === "BACKUP");
  const fresh = backups.filter((m) => isFresh(m.director));
  if (fresh.length === 0) {
    const why = backups.length === 0 ? "it has no BACKUP" : `its BACKUPs (${backups.map((m) => m.director.id).join(", ")}) send no current data`;
    return { checks: [check(`backup:${key}`, "fail", `${group.label}: ${why}; the VIPs would have nowhere known to go`)], takeover: null };
  }
  const takeover = takeoverOf(group, master.id);
  if (takeover === null) {
    const why = fresh.map((m) => `${m.director.id} ${isHeld(m.director) ? "is held down by a planned failover" : "has nopreempt"}`).join(", ");
    return { checks: [check(`backup:${key}`, "fail", `${group.label}: no fresh BACKUP would take over from a MASTER at priority 1 (${why})`)], takeover: null };
  }
  const to = takeover.backup;
  const checks = [check(`backup:${key}`, "ok", `${group.label}: ${to.id} takes over (BACKUP, priority ${takeover.instance.effectivePriority}, preempts, data current)`)];

  const [mine, theirs] = [groupServices(group, master), groupServices(group, to)];
  const differences = diffTables(mine, theirs);
  checks.push(
    differences.length === 0
      ? check(`tables:${key}`, "ok", `${group.label}: the IPVS tables of ${master.id} and ${to.id} are the same`)
      : check(`tables:${key}`, "warn", `${group.label}: IPVS tables differ; on failover to ${to.id}, ${differences.slice(0, 3).join("; ")}${differences.length > 3 ? `; and ${differences.length - 3} more` : ""}`),
  );

  const reading = syncReading({ id: master.id, sync: master.snapshot.connectionSync }, { id: to.id, sync: to.snapshot.connectionSync });
  const caughtUp = reading.kind === "syncing" && (reading.share === null || reading.share >= SYNC_CAUGHT_UP_SHARE);
  checks.push(check(`sync:${key}`, caughtUp ? "ok" : "warn", `${group.label}: ${describeSync(reading, master.id, to.id)}`));

  const empty = theirs.filter((s) => canTake(s) === 0).map((s) => s.key);
  const fewer = theirs.filter((s) => {
    const own = mine.find((m) => m.key === s.key);
    return own !== undefined && canTake(s) > 0 && canTake(s) < canTake(own);
  });
  if (empty.length > 0) checks.push(check(`real-servers:${key}`, "fail", `${group.label}: on ${to.id}, ${empty.join(", ")} would have no real server taking connections`));
  else if (fewer.length > 0) checks.push(check(`real-servers:${key}`, "warn", `${group.label}: on ${to.id}, ${fewer.map((s) => `${s.key} has ${canTake(s)} real servers taking connections (${master.id}: ${canTake(mine.find((m) => m.key === s.key)!)})`).join("; ")}`));
  else checks.push(check(`real-servers:${key}`, "ok", `${group.label}: every service has as many real servers taking connections on ${to.id}`));
  return { checks, takeover: to.id };
}

/**
 * Preflight of a planned failover off `director`: every VRRP instance on it that tracks lvsdeck's failover
 * file drops to priority 1, so each group it is MASTER of moves to that group's best preempting BACKUP.
 * Checks the agent can write the file, keepalived reads it (weight 1), and per group: a fresh BACKUP that
 * preempts, equal IPVS tables, connection sync caught up, and real servers taking connections there.
 */
export function failoverPreflight(directors: readonly DirectorView[], director: DirectorId): PreflightResponse {
  const view = directors.find((d) => d.id === director);
  const base = { director, takeover: null, instances: [] as string[], held: view === undefined ? false : isHeld(view) };
  const finish = (checks: PreflightCheck[], extra: Partial<PreflightResponse> = {}): PreflightResponse => ({ ...base, ...extra, checks, ready: checks.every((c) => c.status !== "fail") });
  if (view === undefined) return finish([check("director", "fail", `no director ${director}`)]);
  if (!isFresh(view)) return finish([check("director", "fail", `${director} sends no current data: what it would do is not known`)]);
  const checks: PreflightCheck[] = [];
  checks.push(
    view.agent?.capabilities.includes("planned-failover") === true
      ? check("agent", "ok", `the agent of ${director} writes the failover file`)
      : check("agent", "fail", `the agent of ${director} has no failover file (start it with --failover-file, which keepalived's track_file ${FAILOVER_TRACK_NAME} reads)`),
  );

  const tracking: string[] = [];
  for (const instance of view.snapshot.vrrp) {
    const track = failoverTrack(instance);
    if (track === undefined) {
      checks.push(check(`track:${instance.name}`, "fail", `${instance.name}: keepalived's data dump gives no tracks (the agent needs --keepalived-data): cannot confirm it reads the failover file`));
    } else if (track === null) {
      checks.push(check(`track:${instance.name}`, instance.state === "MASTER" ? "fail" : "ok", `${instance.name} (${instance.state}) does not track ${FAILOVER_TRACK_NAME}: ${instance.state === "MASTER" ? "it would stay MASTER" : "it is left alone"}`));
    } else if (track.weight !== 1) {
      checks.push(check(`track:${instance.name}`, "fail", `${instance.name} tracks ${FAILOVER_TRACK_NAME} with weight ${track.weight}; lvsdeck writes ${FAILOVER_HOLD_VALUE}, which needs weight 1 (lower would not move it, higher puts it in FAULT)`));
    } else {
      tracking.push(instance.name);
      if (instance.state !== "MASTER") checks.push(check(`track:${instance.name}`, "ok", `${instance.name} (${instance.state}) tracks ${FAILOVER_TRACK_NAME} too: it drops to priority 1 while held`));
    }
  }

  const groups = vrrpInstanceGroups(vrrpGroups(directors)).filter((g) => g.members.some((m) => m.director.id === director && m.state === "MASTER" && m.instance !== null && tracking.includes(m.instance.name)));
  if (groups.length === 0 && checks.every((c) => c.status !== "fail")) checks.push(check("master", "fail", `${director} is MASTER of no VRRP group that tracks ${FAILOVER_TRACK_NAME}: there is nothing to move`));
  let takeover: DirectorId | null = null;
  for (const group of groups) {
    const outcome = groupChecks(group, view);
    checks.push(...outcome.checks);
    takeover ??= outcome.takeover;
  }
  return finish(checks, { takeover, instances: tracking });
}
