import type { SyncGroup, VrrpInstance } from "@lvsdeck/protocol";
import { intValue, readBlock, splitBlocks } from "./dataDump";
import type { DumpBlock } from "./dataDump";
import { checkInstance, epochSecondsToMs } from "./instanceDetails";
import type { VrrpInstanceDetails } from "./instanceDetails";
import { instanceTracks } from "./parseVrrpTracks";
import type { TrackedObjects } from "./parseVrrpTracks";
import { fail, ok } from "./result";
import type { DumpError, ParseResult } from "./result";
import { parseVip } from "./vips";
import { stateFromDataName } from "./vrrpStates";

const instanceStart = " VRRP Instance = ";
const syncGroupStart = " VRRP Sync Group = ";

// "1 sec" (VRRPv2) or "100 milli-sec" (VRRPv3), from vrrp_data.c dump_vrrp().
function advertIntervalMs(text: string | undefined): number | null {
  const match = /^(\d+(?:\.\d+)?) (sec|milli-sec)$/.exec(text?.trim() ?? "");
  if (!match?.[1]) return null;
  return Math.round(Number(match[1]) * (match[2] === "sec" ? 1000 : 1));
}

// "1795660944.794979 (Thu Nov 26 02:42:24.794979 2026)": the epoch comes first.
function lastTransition(text: string | undefined): number | null {
  const seconds = Number(text?.trim().split(" ", 1)[0]);
  return Number.isFinite(seconds) ? epochSecondsToMs(seconds) : null;
}

// "3609375 usecs" (dump_vrrp()'s `Master down timer`).
function downTimerMs(text: string | undefined): number | null {
  const match = /^(\d+) usecs$/.exec(text?.trim() ?? "");
  return match?.[1] === undefined ? null : Number(match[1]) / 1000;
}

// Before a BACKUP has heard any advert, 2.2.7 prints the VRRP multicast group (`ff02::12`) as its master
// router and 0 as the master's priority: neither names a master.
function masterAddress(text: string | undefined): string | null {
  const address = text?.trim() ?? "";
  const multicast = /^ff[0-9a-f]{2}:/i.test(address) || /^2(2[4-9]|3\d)\./.test(address);
  return address === "" || multicast || address === "0.0.0.0" || address === "::" ? null : address;
}

function heardPriority(text: string | undefined): number | null {
  const priority = intValue(text);
  return priority === 0 ? null : priority;
}

const requiredFields = ["State", "Virtual Router ID", "Priority", "Effective priority", "Advert interval"] as const;

interface ParsedInstance {
  readonly instance: VrrpInstance;
  readonly details: VrrpInstanceDetails;
}

function parseInstanceBlock(name: string, block: DumpBlock, objects: TrackedObjects): ParseResult<ParsedInstance, DumpError> {
  const { fields, lists } = block;
  const missing = requiredFields.find((key) => !fields.has(key));
  if (missing !== undefined) return fail({ kind: "invalid", message: `instance "${name}": no "${missing}" line` });
  const vips = (lists.get("Virtual IP") ?? []).flatMap((line) => {
    const vip = parseVip(line);
    return vip ? [vip] : [];
  });
  const checked = checkInstance({
    name,
    vrid: intValue(fields.get("Virtual Router ID")) ?? Number.NaN,
    // "eth0" or, with use_vmac, "vrrp.51, vmac on eth0": the first name is the one VRRP runs on.
    interface: (fields.get("Interface") ?? "").split(",", 1)[0]?.trim() ?? "",
    state: stateFromDataName(fields.get("State") ?? ""),
    basePriority: intValue(fields.get("Priority")) ?? Number.NaN,
    effectivePriority: intValue(fields.get("Effective priority")) ?? Number.NaN,
    advertIntervalMs: advertIntervalMs(fields.get("Advert interval")) ?? Number.NaN,
    preempt: fields.get("Preempt") === "enabled",
    vips: vips.map((vip) => vip.address),
    lastTransitionAt: lastTransition(fields.get("Last transition")),
    masterRouter: masterAddress(fields.get("Master router")),
    syncGroup: fields.get("Sync group") ?? null,
    masterPriority: heardPriority(fields.get("Master priority")),
    sourceAddress: fields.get("Using src_ip")?.trim() ?? null,
    downTimerMs: downTimerMs(fields.get("Master down timer")),
    trackFaults: intValue(fields.get("Number of interface and track script faults")),
    tracks: instanceTracks(block.lists, objects),
  });
  if (!checked.ok) return checked;
  // "Password = …" (clear text in 2.2.7) is read into `fields` but never copied out.
  return ok({
    instance: checked.value,
    details: {
      name,
      wantState: stateFromDataName(fields.get("Wantstate") ?? ""),
      vipsInstalled: vips.length > 0 && vips.every((vip) => vip.installed),
      vrrpVersion: intValue(fields.get("VRRP Version")),
    },
  });
}

/** Parses the `VRRP Topology` section of the data dump into instances (with their tracks, read against `objects`) and their details. */
export function parseVrrpTopology(lines: readonly string[], objects: TrackedObjects): ParseResult<ParsedInstance[], DumpError> {
  const parsed: ParsedInstance[] = [];
  for (const [first, ...rest] of splitBlocks(lines, (line) => line.startsWith(instanceStart))) {
    const name = (first ?? "").slice(instanceStart.length);
    const result = parseInstanceBlock(name, readBlock(rest), objects);
    if (!result.ok) return result;
    parsed.push(result.value);
  }
  return ok(parsed);
}

/** Parses the `VRRP Sync groups` section: ` VRRP Sync Group = <name>, <STATE>` and its members. */
export function parseSyncGroups(lines: readonly string[]): SyncGroup[] {
  return splitBlocks(lines, (line) => line.startsWith(syncGroupStart)).map(([first, ...rest]) => {
    const heading = (first ?? "").slice(syncGroupStart.length);
    // The name is not escaped and may hold ", ": the state is whatever follows the last one.
    const comma = heading.lastIndexOf(", ");
    return {
      name: comma < 0 ? heading : heading.slice(0, comma),
      state: stateFromDataName(comma < 0 ? "" : heading.slice(comma + 2)),
      instances: [...(readBlock(rest).lists.get("VRRP member instances") ?? [])],
    };
  });
}
