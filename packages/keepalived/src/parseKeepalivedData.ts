import { splitSections, startsWithSection } from "./dataDump";
import type { KeepalivedVrrpView } from "./instanceDetails";
import { checkerKey, parseHealthCheckers } from "./parseHealthCheckers";
import type { KeepalivedChecker } from "./parseHealthCheckers";
import { parseLvsTopology } from "./parseLvsTopology";
import type { KeepalivedVirtualServer } from "./parseLvsTopology";
import { parseSyncGroups, parseVrrpTopology } from "./parseVrrpTopology";
import { parseTrackedObjects } from "./parseVrrpTracks";
import { fail, ok } from "./result";
import type { DumpError, ParseResult } from "./result";

/** Everything read from a SIGUSR1 dump: the VRRP view and, from `keepalived_check.data`, the LVS view. */
export interface KeepalivedDataView extends KeepalivedVrrpView {
  readonly virtualServers: KeepalivedVirtualServer[];
}

const sections = {
  vrrp: "VRRP Topology",
  syncGroups: "VRRP Sync groups",
  lvs: "LVS Topology",
  checkers: "Health checkers",
  scripts: "VRRP Scripts",
  trackFiles: "VRRP Track files",
  // dump_data_vrrp() writes the interface list last, and always has one when there are instances.
  vrrpLast: "Interfaces",
} as const;

function withCheckers(servers: KeepalivedVirtualServer[], checkers: ReadonlyMap<string, readonly KeepalivedChecker[]>): KeepalivedVirtualServer[] {
  return servers.map((vs) => ({
    ...vs,
    realServers: vs.realServers.map((rs) => ({ ...rs, checkers: vs.serviceKey === null ? [] : (checkers.get(checkerKey(vs.serviceKey, rs.key)) ?? []) })),
  }));
}

function incomplete(message: string): ParseResult<never, DumpError> {
  return fail({ kind: "incomplete", message });
}

/**
 * Parses `/tmp/keepalived.data` (VRRP instances with the master router's address, sync groups) and
 * `/tmp/keepalived_check.data` (virtual and real servers); a file still being written gives `incomplete`.
 */
export function parseKeepalivedData(text: string): ParseResult<KeepalivedDataView, DumpError> {
  // conf_write() ends every line with "\n", so a missing final newline means the write is still going.
  if (!text.endsWith("\n") || text.trim() === "") return incomplete("data dump is empty or ends mid-line");
  const lines = text.slice(0, -1).split("\n");
  if (!startsWithSection(lines)) return fail({ kind: "invalid", message: "not a keepalived data dump (no ------< … >------ header)" });
  const byTitle = new Map(splitSections(lines).map((section) => [section.title, section.lines]));
  const vrrpLines = byTitle.get(sections.vrrp);
  const lvsLines = byTitle.get(sections.lvs);
  if (vrrpLines === undefined && lvsLines === undefined) return incomplete("data dump has no VRRP or LVS topology yet");
  if (vrrpLines !== undefined && !byTitle.has(sections.vrrpLast)) return incomplete("data dump stops before its interface list");

  const objects = parseTrackedObjects({
    scripts: byTitle.get(sections.scripts) ?? [],
    files: byTitle.get(sections.trackFiles) ?? [],
    interfaces: byTitle.get(sections.vrrpLast) ?? [],
  });
  const vrrp = parseVrrpTopology(vrrpLines ?? [], objects);
  if (!vrrp.ok) return vrrp;
  const lvs = parseLvsTopology(lvsLines ?? []);
  if (!lvs.ok) return lvs;
  return ok({
    instances: vrrp.value.map((entry) => entry.instance),
    details: vrrp.value.map((entry) => entry.details),
    syncGroups: parseSyncGroups(byTitle.get(sections.syncGroups) ?? []),
    virtualServers: withCheckers(lvs.value, parseHealthCheckers(byTitle.get(sections.checkers) ?? [])),
  });
}
