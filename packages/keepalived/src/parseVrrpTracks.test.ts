import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseKeepalivedData } from "./parseKeepalivedData";
import { parseKeepalivedJson } from "./parseKeepalivedJson";
import { instanceTracks, parseTrackedObjects } from "./parseVrrpTracks";

const real = (name: string) => readFileSync(new URL(`../fixtures/real/tracks/${name}`, import.meta.url), "utf8");

function instanceOf(name: string) {
  const parsed = parseKeepalivedData(real(name));
  if (!parsed.ok) throw new Error(parsed.error.message);
  const [instance] = parsed.value.instances;
  if (instance === undefined) throw new Error(`${name} has no instance`);
  return instance;
}

describe("tracked scripts, interfaces and files in keepalived 2.2.7's data dump", () => {
  it("reads every track of a healthy MASTER as good, with no effect on its priority", () => {
    const instance = instanceOf("d1-master-healthy.data");
    expect(instance).toMatchObject({ state: "MASTER", basePriority: 200, effectivePriority: 200, sourceAddress: "198.51.100.11", trackFaults: 0, masterPriority: null });
    expect(instance.tracks).toEqual([
      { kind: "script", name: "chk_nginx", weight: -150, status: "good", value: null, effect: 0 },
      { kind: "interface", name: "uplink", weight: 0, status: "good", value: null, effect: 0 },
      { kind: "file", name: "maint", weight: 1, status: "good", value: 0, effect: 0 },
    ]);
  });

  it("shows a failing track script lowering the priority by its weight, and who is master now", () => {
    const instance = instanceOf("d1-backup-script-bad.data");
    expect(instance).toMatchObject({ state: "BACKUP", basePriority: 200, effectivePriority: 50, masterRouter: "198.51.100.12", masterPriority: 100 });
    expect(instance.tracks?.find((t) => t.kind === "script")).toMatchObject({ name: "chk_nginx", status: "bad", effect: -150 });
  });

  it("shows a track file's value times its weight", () => {
    const instance = instanceOf("d1-backup-file-low.data");
    expect(instance.effectivePriority).toBe(50);
    expect(instance.tracks?.find((t) => t.kind === "file")).toEqual({ kind: "file", name: "maint", weight: 1, status: "bad", value: -150, effect: -150 });
  });

  it("shows a downed tracked interface of weight 0 holding the instance in FAULT", () => {
    const instance = instanceOf("d1-fault-interface-down.data");
    expect(instance).toMatchObject({ state: "FAULT", trackFaults: 1 });
    expect(instance.tracks?.find((t) => t.kind === "interface")).toMatchObject({ name: "uplink", status: "bad", effect: "FAULT" });
  });

  it("reads a BACKUP's master down timer (3 × advert_int + skew) in ms", () => {
    expect(instanceOf("d2-backup-healthy.data")).toMatchObject({ downTimerMs: 3609.375, masterRouter: "198.51.100.11", masterPriority: 200 });
  });

  it("carries the SIGJSON counters on the instance: the priority-0 advert a FAULT sends and its peer receives", () => {
    const counters = (name: string) => {
      const parsed = parseKeepalivedJson(real(name));
      if (!parsed.ok) throw new Error(parsed.error.message);
      return parsed.value.instances[0]?.counters;
    };
    expect(counters("d1-fault-interface-down.json")).toMatchObject({ priZeroSent: 1 });
    expect(counters("d2-master-after-fault.json")?.priZeroRcvd).toBeGreaterThan(counters("d2-master-after-file.json")?.priZeroRcvd ?? Infinity);
  });

  it("names no master for a BACKUP that has heard none yet (2.2.7 prints the multicast group and priority 0)", () => {
    const text = real("d2-backup-healthy.data").replace("Master router = 198.51.100.11", "Master router = ff02::12").replace("Master priority = 200", "Master priority = 0");
    const parsed = parseKeepalivedData(text);
    expect(parsed.ok && parsed.value.instances[0]).toMatchObject({ masterRouter: null, masterPriority: null });
  });

  it("applies reverse, positive weights and unknown objects as keepalived does", () => {
    const objects = parseTrackedObjects({ scripts: [" VRRP Script = up_ok", "   Status = GOOD"], files: [], interfaces: [" Name = eth1", "   State = UP, RUNNING"] });
    const lists = new Map([
      ["Tracked scripts", ["up_ok weight 10", "up_ok weight -5 reverse", "gone weight -20"]],
      ["Tracked interfaces", ["eth1 weight 0 reverse"]],
    ]);
    expect(instanceTracks(lists, objects).map((t) => [t.name, t.status, t.effect])).toEqual([
      ["up_ok", "good", 10],
      ["up_ok", "good", -5],
      ["gone", "unknown", null],
      ["eth1", "bad", "FAULT"],
    ]);
  });
});
