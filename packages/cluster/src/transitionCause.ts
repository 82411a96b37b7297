import type { DirectorView, TransitionCause, VrrpInstance, VrrpState } from "@lvsdeck/protocol";
import { vrrpGroups } from "./groups";
import { boundedEvidence, counterChanges, downTimerText, failingTracks, loweredPriorityText, trackChanges, trackText } from "./vrrpEvidenceText";

/** Another director's instance in the same VRRP network, as the hub last heard it. */
export interface PeerReading {
  director: string;
  /** Null when that director reports no instance there (keepalived stopped, or never read). */
  instance: VrrpInstance | null;
  keepalivedRunning: boolean | null;
  /** Its agent is connected and its data fresh. */
  fresh: boolean;
}

/** One transition and the evidence around it: this director's readings before and after, and its peers now. */
export interface TransitionEvidence {
  director: string;
  from: VrrpState;
  to: VrrpState;
  /** The last reading of the instance before the transition; null when the hub has none. */
  before: VrrpInstance | null;
  /** The first reading dumped after it (its `lastTransitionAt` is the transition's); null when there is none. */
  after: VrrpInstance | null;
  peers: readonly PeerReading[];
}

const cause = (kind: TransitionCause["kind"], text: string, evidence: string[]): TransitionCause => ({ kind, text, evidence: boundedEvidence(evidence) });

/** `lvs-dir-01 (198.51.100.11)`: the peer that sends from `address`, or the bare address. */
function named(address: string | null | undefined, peers: readonly PeerReading[]): string {
  if (!address) return "the MASTER";
  const peer = peers.find((p) => p.instance?.sourceAddress === address);
  return peer === undefined || peer.director === address ? address : `${peer.director} (${address})`;
}

function peerLine(peer: PeerReading): string {
  const i = peer.instance;
  const state = i === null ? (peer.keepalivedRunning === false ? "keepalived stopped" : "no instance") : `${i.state} priority ${i.effectivePriority}`;
  return `${peer.director}: ${state}${peer.fresh ? "" : " (stale)"}`;
}

function evidenceLines(e: TransitionEvidence): string[] {
  const own = [e.before, e.after].every((r) => r !== null) && e.before?.effectivePriority !== e.after?.effectivePriority ? [`priority ${e.before?.effectivePriority} → ${e.after?.effectivePriority}`] : [];
  return [...own, ...trackChanges(e.before, e.after), ...counterChanges(e.before?.counters, e.after?.counters), ...e.peers.map(peerLine)];
}

function ownTrackCause(e: TransitionEvidence, evidence: string[]): TransitionCause | null {
  const reading = e.after ?? e.before;
  if (e.to === "FAULT") {
    const failing = failingTracks(reading).filter((t) => t.effect === "FAULT");
    const why = failing.length > 0 ? failing.map(trackText).join(", ") : reading?.trackFaults ? `${reading.trackFaults} interface or track script fault(s)` : null;
    return why === null ? cause("unknown", `${e.director} FAULT: the dump names no failing track`, evidence) : cause("track", `${e.director} FAULT: ${why}`, evidence);
  }
  if (e.from === "MASTER" && e.to === "BACKUP") {
    const lowered = loweredPriorityText(e.after);
    if (lowered === null) return null;
    const master = e.after?.masterRouter ? `; ${named(e.after.masterRouter, e.peers)} took over` : "";
    return cause("track", `${e.director} ${lowered}${master}`, evidence);
  }
  return null;
}

function yieldedCause(e: TransitionEvidence, evidence: string[]): TransitionCause {
  const after = e.after;
  const master = after?.masterRouter ?? null;
  const heard = after?.masterPriority;
  if (master === null && heard == null) return cause("unknown", `${e.director} became BACKUP: the dump does not say which advert it heard`, evidence);
  const priorities = heard == null || after === null ? "" : `: priority ${heard} > ours ${after.effectivePriority}`;
  return cause("preemption", `higher-priority advert from ${named(master, e.peers)}${priorities} (preemption)`, evidence);
}

function tookOverCause(e: TransitionEvidence, evidence: string[]): TransitionCause {
  const before = e.before;
  const after = e.after ?? before;
  const oldMaster = e.peers.find((p) => p.instance?.sourceAddress != null && p.instance.sourceAddress === before?.masterRouter) ?? e.peers.find((p) => p.instance?.state === "MASTER" || p.instance?.state === "FAULT" || p.instance?.state === "STOP");
  const address = oldMaster?.instance?.sourceAddress ?? before?.masterRouter ?? null;
  const who = oldMaster === undefined ? named(address, e.peers) : `${oldMaster.director}${address === null || address === oldMaster.director ? "" : ` (${address})`}`;
  // A peer whose tracks pulled it below us is the reason, whatever state it reports by now (it may have yielded already).
  const pulledDown = [oldMaster, ...e.peers].find((p) => p?.instance != null && after !== null && loweredPriorityText(p.instance) !== null && p.instance.effectivePriority < after.effectivePriority);
  if (pulledDown?.instance != null && after !== null) {
    return cause("peer-track", `${pulledDown.director} ${loweredPriorityText(pulledDown.instance)} (below ours, ${after.effectivePriority}: preemption)`, evidence);
  }
  const zeroes = (after?.counters?.priZeroRcvd ?? 0) - (before?.counters?.priZeroRcvd ?? 0);
  // keepalived cuts a BACKUP's down timer to the skew alone when it hears a priority-0 advert: a dump
  // taken in that moment shows it even if its counters already count the advert.
  const skewOnly = before?.downTimerMs != null && before.downTimerMs < before.advertIntervalMs;
  if ((before?.counters != null && after?.counters != null && zeroes > 0) || skewOnly) {
    const state = oldMaster?.instance?.state;
    const why = state === "FAULT" ? `: it went FAULT${failingTracks(oldMaster?.instance ?? null).length > 0 ? ` (${failingTracks(oldMaster?.instance ?? null).map(trackText).join(", ")})` : ""}` : state === "STOP" || oldMaster?.keepalivedRunning === false ? ": keepalived stopping" : "";
    return cause("priority-zero", `${who} resigned with a priority-0 advert${why}`, evidence);
  }
  // The MASTER it heard before (its own dump's, so a peer that already moved on does not blur it), else a peer still MASTER.
  const lowerPeer = e.peers.find((p) => p.instance?.state === "MASTER" && after !== null && p.instance.effectivePriority < after.effectivePriority);
  const heard = before?.masterPriority ?? lowerPeer?.instance?.effectivePriority ?? null;
  if (heard !== null && after !== null && heard < after.effectivePriority) {
    const whom = before?.masterPriority != null ? who : (lowerPeer?.director ?? who);
    return cause("preemption", `preempted ${whom} (priority ${heard} < ours ${after.effectivePriority})`, evidence);
  }
  if (before === null) return cause("unknown", `${e.director} became MASTER: no reading from before the transition`, evidence);
  const silent = oldMaster === undefined ? "" : oldMaster.keepalivedRunning === false ? `; keepalived on ${oldMaster.director} is not running` : oldMaster.instance?.state === "MASTER" ? `; ${oldMaster.director} still says MASTER: the VRRP network between them is cut` : "";
  // Nobody was heard as MASTER (the usual case right after keepalived starts): an election, no one to name.
  if (oldMaster === undefined && !before.masterRouter) return cause("election", `no adverts heard for ${downTimerText(before)}: elected`, evidence);
  return cause("no-adverts", `no adverts from ${who} for ${downTimerText(before)}${silent}`, evidence);
}

/**
 * One line of why a VRRP instance changed state, read from its own dumps before and after and its
 * peers' latest readings; `unknown` (never a guess) when the evidence does not say.
 */
export function explainTransition(e: TransitionEvidence): TransitionCause {
  const evidence = evidenceLines(e);
  if (e.to === "STOP" || e.to === "DELETED") return cause("keepalived", `keepalived ${e.to === "STOP" ? "stopped" : "deleted the instance"} on ${e.director}`, evidence);
  if (e.from === "INIT" || e.from === "STOP") return cause("keepalived", `keepalived started on ${e.director}`, evidence);
  const own = ownTrackCause(e, evidence);
  if (own !== null) return own;
  if (e.from === "FAULT") {
    const recovered = trackChanges(e.before, e.after);
    return cause("track", `${e.director} out of FAULT${recovered.length > 0 ? `: ${recovered.join(", ")}` : ""}`, evidence);
  }
  if (e.to === "BACKUP") return yieldedCause(e, evidence);
  if (e.to === "MASTER") return tookOverCause(e, evidence);
  return cause("unknown", `${e.director} ${e.from} → ${e.to}: the evidence does not say why`, evidence);
}

/** The other directors in the VRRP network (same VRID, overlapping VIPs) of `director`'s instance `name`, as the fleet holds them now. */
export function peerReadings(directors: readonly DirectorView[], director: string, name: string): PeerReading[] {
  const group = vrrpGroups(directors).find((g) => g.members.some((m) => m.director.id === director && m.instance?.name === name));
  return (group?.members ?? [])
    .filter((m) => m.director.id !== director)
    .map((m) => ({ director: m.director.id, instance: m.instance, keepalivedRunning: m.director.snapshot?.keepalived.running ?? null, fresh: m.fresh }));
}
