import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseKeepalivedJson } from "./parseKeepalivedJson";

function readFixture(path: string): string {
  return readFileSync(new URL(`../fixtures/${path}`, import.meta.url), "utf8");
}

// The clear-text password capture.sh configures on VI_1; it must never reach the output.
const capturedPassword = "lvsdkpw";
const realJsonFiles = [
  "a-master.json",
  "b-backup.json",
  "b-fault.json",
  "b-master-after-sigterm.json",
  "a-master-after-restart.json",
  "b-backup-after-restart.json",
  "b-master-after-kill9.json",
  "b-master-after-reload.json",
];

function parsedReal(file: string) {
  const result = parseKeepalivedJson(readFixture(`real/${file}`));
  if (!result.ok) throw new Error(`${file}: ${result.error.message}`);
  return result.value;
}

describe("parseKeepalivedJson on real SIGJSON dumps", () => {
  it("reads the MASTER's two instances as observed (a, priority 200)", () => {
    const { instances, details, syncGroups } = parsedReal("a-master.json");
    expect(instances).toEqual([
      {
        name: "VI_1",
        vrid: 51,
        interface: "eth0",
        state: "MASTER",
        basePriority: 200,
        effectivePriority: 200,
        advertIntervalMs: 1000,
        preempt: true,
        vips: ["198.51.100.100", "198.51.100.101"],
        lastTransitionAt: 1795660947926,
        masterRouter: null,
        syncGroup: null,
        masterPriority: null,
        counters: expect.objectContaining({ advertSent: expect.any(Number), priZeroRcvd: 0 }),
      },
      expect.objectContaining({ name: "VI web", vrid: 52, state: "MASTER", vips: ["198.51.100.102"] }),
    ]);
    expect(details[0]).toMatchObject({ wantState: "MASTER", vipsInstalled: true, vrrpVersion: 2 });
    expect(syncGroups).toEqual([]);
  });

  it("reads the BACKUP with the master's priority and advert counters", () => {
    const { instances, details } = parsedReal("b-backup.json");
    expect(instances.map((instance) => [instance.name, instance.state, instance.effectivePriority])).toEqual([
      ["VI_1", "BACKUP", 100],
      ["VI web", "BACKUP", 100],
    ]);
    expect(details[0]).toMatchObject({ vipsInstalled: false });
    expect(instances[0]).toMatchObject({ masterPriority: 200, counters: { advertRcvd: 7, advertSent: 0 } });
  });

  it("maps state code 3 to FAULT and shows the track-file priority (+3) on b", () => {
    const { instances } = parsedReal("b-fault.json");
    expect(instances.map((instance) => [instance.state, instance.basePriority, instance.effectivePriority])).toEqual([
      ["FAULT", 100, 103],
      ["FAULT", 100, 100],
    ]);
  });

  it("shows b as MASTER with the VIPs after a was killed with -9", () => {
    const { instances, details } = parsedReal("b-master-after-kill9.json");
    expect(instances.map((instance) => instance.state)).toEqual(["MASTER", "MASTER"]);
    expect(details.map((detail) => detail.vipsInstalled)).toEqual([true, true]);
  });

  it("drops the instance removed by the reload", () => {
    expect(parsedReal("b-master-after-reload.json").instances.map((instance) => instance.name)).toEqual(["VI_1"]);
  });

  it.each(realJsonFiles)("never exposes the VRRP password (%s)", (file) => {
    expect(readFixture(`real/${file}`)).toContain(capturedPassword);
    expect(JSON.stringify(parsedReal(file))).not.toContain(capturedPassword);
  });
});

describe("parseKeepalivedJson state codes", () => {
  const withState = (state: number, wantstate: number) =>
    readFixture("real/a-master.json").replace('"state":2,"wantstate":2', `"state":${state},"wantstate":${wantstate}`);

  it.each([
    [0, "INIT"],
    [1, "BACKUP"],
    [2, "MASTER"],
    [3, "FAULT"],
    [97, "DELETED"],
    [98, "STOP"],
    [4, "UNKNOWN"],
    [1000, "UNKNOWN"],
  ] as const)("maps JSON code %i to %s", (code, state) => {
    const result = parseKeepalivedJson(withState(code, code));
    expect(result.ok && [result.value.instances[0]?.state, result.value.details[0]?.wantState]).toEqual([state, state]);
  });
});

describe("parseKeepalivedJson on half-written and broken files", () => {
  it("returns incomplete, or the full result, for every prefix of a real dump", () => {
    const text = readFixture("real/b-backup.json");
    const full = parseKeepalivedJson(text);
    for (let end = 0; end <= text.length; end += 1) {
      const result = parseKeepalivedJson(text.slice(0, end));
      if (result.ok) expect(result).toEqual(full);
      else expect(result.error.kind, `prefix of ${end} characters`).toBe("incomplete");
    }
  });

  it.each([
    ["{}", "top-level array"],
    ['[{"data":{"iname":"VI_1"}}]', '"vrid"'],
    ['[{"data":{"vrid":1}}]', "iname"],
    ["[1,2,]", "not JSON"],
    ['[{"data":{"iname":"x","vrid":0,"state":1,"wantstate":1,"base_priority":1,"effective_priority":1,"adver_int":1}}]', "vrid"],
  ])("returns invalid for %s", (text, words) => {
    const result = parseKeepalivedJson(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe("invalid");
      expect(result.error.message).toContain(words);
    }
  });

  it("never throws on random strings or random JSON", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => void parseKeepalivedJson(text)), { numRuns: 1000 });
    fc.assert(fc.property(fc.json(), (text) => void parseKeepalivedJson(text)), { numRuns: 1000 });
  });
});
