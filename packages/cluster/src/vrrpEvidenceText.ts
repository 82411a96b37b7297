import type { VrrpCounters, VrrpInstance, VrrpTrack } from "@lvsdeck/protocol";
import { MAX_CAUSE_EVIDENCE } from "@lvsdeck/protocol";

/** keepalived's default number of missed adverts before a BACKUP takes over (`Down timer adverts`). */
export const DOWN_TIMER_ADVERTS = 3;

const configKeyword: Record<VrrpTrack["kind"], string> = { script: "track_script", interface: "track_interface", file: "track_file" };

/** `track_script chk_nginx failing (weight -150)`, `track_interface uplink down`, `track_file maint = -150 (weight 1)`. */
export function trackText(track: VrrpTrack): string {
  const head = `${configKeyword[track.kind]} ${track.name}`;
  const effect = track.effect === "FAULT" ? "FAULT" : `weight ${track.weight}`;
  if (track.kind === "file") return `${head} = ${track.value ?? "?"} (${effect})`;
  if (track.kind === "interface") return `${head} ${track.status === "bad" ? "down" : "up"}${track.weight === 0 ? "" : ` (${effect})`}`;
  return `${head} ${track.status === "bad" ? "failing" : "OK"} (${effect})`;
}

/** The tracks that lower the priority or hold the instance in FAULT right now. */
export function failingTracks(instance: VrrpInstance | null): VrrpTrack[] {
  return (instance?.tracks ?? []).filter((t) => t.effect === "FAULT" || (typeof t.effect === "number" && t.effect < 0) || t.status === "bad");
}

/** `priority 200 → 50: track_script chk_nginx failing (weight -150)`, or null when nothing lowers it. */
export function loweredPriorityText(instance: VrrpInstance | null): string | null {
  if (instance === null) return null;
  const failing = failingTracks(instance);
  if (instance.effectivePriority >= instance.basePriority && failing.length === 0) return null;
  const tracks = failing.length > 0 ? `: ${failing.map(trackText).join(", ")}` : "";
  return `priority ${instance.basePriority} → ${instance.effectivePriority}${tracks}`;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(ms < 10_000 ? 2 : 1))} s`;

/**
 * `3.61 s (3 × advert_int 1 s + skew 0.61 s)`: how long a BACKUP waits without adverts. Taken from
 * keepalived's own `Master down timer` when the dump had it, else from RFC 3768's formula.
 */
export function downTimerText(backup: VrrpInstance): string {
  const adverts = DOWN_TIMER_ADVERTS * backup.advertIntervalMs;
  const total = backup.downTimerMs ?? adverts + ((256 - backup.effectivePriority) / 256) * 1000;
  return `${seconds(total)} (${DOWN_TIMER_ADVERTS} × advert_int ${seconds(backup.advertIntervalMs)} + skew ${seconds(Math.max(0, total - adverts))})`;
}

/** Counter changes between two readings, e.g. `pri_zero_rcvd 0 → 1`, in keepalived's own names. */
export function counterChanges(before: VrrpCounters | null | undefined, after: VrrpCounters | null | undefined): string[] {
  if (!before || !after) return [];
  const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return (Object.keys(after) as (keyof VrrpCounters)[]).filter((k) => after[k] !== before[k]).map((k) => `${snake(k)} ${before[k]} → ${after[k]}`);
}

/** Track status changes between two readings, e.g. `track_script chk_nginx OK → failing`. */
export function trackChanges(before: VrrpInstance | null, after: VrrpInstance | null): string[] {
  const old = new Map((before?.tracks ?? []).map((t) => [`${t.kind} ${t.name}`, t]));
  return (after?.tracks ?? []).flatMap((t) => {
    const was = old.get(`${t.kind} ${t.name}`);
    return was !== undefined && (was.status !== t.status || was.value !== t.value) ? [`${trackText(was)} → ${trackText(t)}`] : [];
  });
}

/** Evidence lines, bounded as the protocol carries them. */
export function boundedEvidence(lines: readonly string[]): string[] {
  return lines.filter((l) => l.length > 0).slice(0, MAX_CAUSE_EVIDENCE).map((l) => (l.length > 200 ? `${l.slice(0, 199)}…` : l));
}
