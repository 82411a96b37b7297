import type { VrrpTrack } from "@lvsdeck/protocol";
import { MAX_VRRP_TRACKS } from "@lvsdeck/protocol";
import { intValue, readBlock, splitBlocks } from "./dataDump";
import type { DumpBlock } from "./dataDump";

/** keepalived puts an instance in FAULT once a track file's value × weight reaches this low (vrrp_track.c). */
const FILE_FAULT_AT = -254;

/** What the data dump says about every tracked object, by name: scripts' status, files' values, interfaces' state. */
export interface TrackedObjects {
  readonly scripts: ReadonlyMap<string, "good" | "bad" | "unknown">;
  readonly files: ReadonlyMap<string, number>;
  readonly interfaces: ReadonlyMap<string, boolean>;
}

function blocksOf(lines: readonly string[], start: string): Array<[string, DumpBlock]> {
  return splitBlocks(lines, (line) => line.startsWith(start)).map(([first, ...rest]) => [(first ?? "").slice(start.length), readBlock(rest)]);
}

/**
 * Reads the `VRRP Scripts`, `VRRP Track files` and `Interfaces` sections of the data dump:
 * ` VRRP Script = name` … `Status = GOOD|BAD`, ` Track file = name` … `Status = <value>`,
 * ` Name = eth1` … `State = UP, RUNNING` (or `not UP, not RUNNING`).
 */
export function parseTrackedObjects(sections: { scripts: readonly string[]; files: readonly string[]; interfaces: readonly string[] }): TrackedObjects {
  const scripts = new Map(
    blocksOf(sections.scripts, " VRRP Script = ").map(([name, block]) => {
      const status = block.fields.get("Status");
      return [name, status === "GOOD" ? "good" : status === "BAD" ? "bad" : "unknown"] as const;
    }),
  );
  const files = new Map(
    blocksOf(sections.files, " Track file = ").flatMap(([name, block]) => {
      const value = intValue(block.fields.get("Status"));
      return value === null ? [] : [[name, value] as const];
    }),
  );
  const interfaces = new Map(
    blocksOf(sections.interfaces, " Name = ").map(([name, block]) => {
      const flags = (block.fields.get("State") ?? "").split(",").map((flag) => flag.trim());
      // keepalived counts an interface up when it is both UP and RUNNING (IF_ISUP).
      return [name, flags.includes("UP") && flags.includes("RUNNING")] as const;
    }),
  );
  return { scripts, files, interfaces };
}

// "chk_nginx weight -150", "uplink weight 0 reverse", "maint, weight 1" (dump_vrrp() list items).
const trackItem = /^(.+?),? weight (-?\d+)( reverse)?$/;

// A script or interface with weight 0 holds the instance in FAULT while failing; a negative weight is
// added while failing, a positive one while succeeding; `reverse` swaps failing and succeeding.
function effectOf(good: boolean | null, weight: number, reverse: boolean): VrrpTrack["effect"] {
  if (good === null) return null;
  const passing = reverse ? !good : good;
  if (weight === 0) return passing ? 0 : "FAULT";
  if (weight > 0) return passing ? weight : 0;
  return passing ? 0 : weight;
}

function fileEffect(value: number | undefined, weight: number): VrrpTrack["effect"] {
  if (value === undefined) return null;
  if (weight === 0) return value === 0 ? 0 : "FAULT";
  const effect = value * weight;
  return effect <= FILE_FAULT_AT ? "FAULT" : effect;
}

function statusOf(effect: VrrpTrack["effect"], good: boolean | null): VrrpTrack["status"] {
  if (good === null) return "unknown";
  return good && effect !== "FAULT" ? "good" : "bad";
}

/** The tracks of one instance (`Tracked interfaces :`, `Tracked scripts :`, `Tracked files :` lists) with their current effect. */
export function instanceTracks(lists: ReadonlyMap<string, readonly string[]>, objects: TrackedObjects): VrrpTrack[] {
  const tracks: VrrpTrack[] = [];
  const read = (list: string, each: (name: string, weight: number, reverse: boolean) => VrrpTrack) => {
    for (const item of lists.get(list) ?? []) {
      const match = trackItem.exec(item);
      if (match?.[1] !== undefined && match[2] !== undefined) tracks.push(each(match[1], Number(match[2]), match[3] !== undefined));
    }
  };
  read("Tracked scripts", (name, weight, reverse) => {
    const status = objects.scripts.get(name) ?? "unknown";
    const good = status === "unknown" ? null : status === "good";
    return { kind: "script", name, weight, status, value: null, effect: effectOf(good, weight, reverse) };
  });
  read("Tracked interfaces", (name, weight, reverse) => {
    const good = objects.interfaces.get(name) ?? null;
    return { kind: "interface", name, weight, status: statusOf(effectOf(good, weight, reverse), good), value: null, effect: effectOf(good, weight, reverse) };
  });
  read("Tracked files", (name, weight) => {
    const value = objects.files.get(name);
    const effect = fileEffect(value, weight);
    const good = value === undefined ? null : effect !== "FAULT" && (typeof effect !== "number" || effect >= 0);
    return { kind: "file", name, weight, status: good === null ? "unknown" : good ? "good" : "bad", value: value ?? null, effect };
  });
  return tracks.slice(0, MAX_VRRP_TRACKS);
}
