import type { DirectorSnapshot, IncidentBundle } from "@lvsdeck/protocol";
import { describeEvent, eventTime } from "../events/describeEvent";

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
// Table cells: a pipe or a line break would end the cell early.
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");

function stateLines(label: string, snapshots: readonly DirectorSnapshot[]): string[] {
  if (snapshots.length === 0) return [`**${label}:** no snapshot kept.`];
  const rows = snapshots.flatMap((s) => s.vrrp.map((i) => `| ${cell(s.director)} | ${cell(i.name)} (VRID ${i.vrid}) | ${i.state} | ${i.effectivePriority} | ${cell(i.vips.join(", "))} |`));
  return [`**${label}:**`, "", "| director | VRRP instance | state | priority | VIPs |", "|---|---|---|---|---|", ...(rows.length > 0 ? rows : ["| — | no VRRP instances | | | |"])];
}

/** A Markdown summary of an exported incident, to paste into a ticket: what happened, why, when, and the notes. */
export function incidentMarkdown(bundle: IncidentBundle): string {
  const { incident, events, notes } = bundle;
  const transitions = events.filter((e) => e.event.kind === "vrrp-transition");
  const lines = [
    `# ${incident.title}`,
    "",
    `- **When:** ${iso(incident.startedAt)} – ${iso(incident.endedAt)} (UTC; a minute before its first transition or alert to two after its last)`,
    `- **Directors:** ${incident.directors.join(", ") || "—"}${incident.vrids.length > 0 ? `; VRID ${incident.vrids.join(", ")}` : ""}`,
    `- **Events:** ${events.length}, of which ${transitions.length} VRRP transitions`,
    `- **Exported:** ${iso(bundle.exportedAt)} by ${bundle.exportedBy} from lvsdeck hub ${bundle.hubVersion} (incident ${incident.id})`,
    "",
    "## VRRP transitions and why",
    "",
    ...(transitions.length === 0
      ? ["None."]
      : transitions.map((e) => {
          const ev = e.event;
          const why = ev.kind === "vrrp-transition" ? (ev.cause?.text ?? "not known: no keepalived dump from the director after it") : "";
          return `- ${iso(eventTime(e))} **${e.director}** ${describeEvent(e).text}  \n  why: ${why}`;
        })),
    "",
    "## Timeline",
    "",
    "| time (UTC) | director | event |",
    "|---|---|---|",
    ...events.map((e) => `| ${iso(eventTime(e))} | ${cell(e.director)} | ${cell(describeEvent(e).text)} |`),
    "",
    "## Cluster before and after",
    "",
    ...stateLines("Before", bundle.before),
    "",
    ...stateLines("After", bundle.after),
    "",
    "## Notes",
    "",
    ...(notes.length === 0 ? ["None."] : notes.map((n) => `- ${iso(n.at)} **${n.author}:** ${n.text.replace(/\n/g, "\n  ")}`)),
    "",
  ];
  return lines.join("\n");
}
