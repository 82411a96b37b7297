import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { DirectorView, Verdict } from "@lvsdeck/protocol";
import { clusterHealth, deriveVerdicts, statusOf, verdictsOfVip, vipsOfVerdict, vrrpGroups } from "./index";
import { T0, director, realServer, service, verdictInput, vrrp } from "./fixtures";

/** How one keepalived pair is doing; every pair is MASTER `a`, BACKUP `b` unless its mode says otherwise. */
const modes = ["healthy", "split-brain", "stale-master", "stale-backup", "leftover-vip"] as const;
type Mode = (typeof modes)[number];

interface Pair {
  index: number;
  vrid: number;
  vips: string[];
  mode: Mode;
}

// Few VRIDs for many pairs: real fleets reuse them on separate L2 segments.
const pairArb = fc.record({ vrid: fc.constantFrom(51, 52), vipCount: fc.integer({ min: 1, max: 3 }), mode: fc.constantFrom(...modes) });
const fleetArb = fc.array(pairArb, { minLength: 1, maxLength: 6 }).map((pairs) =>
  pairs.map(({ vrid, vipCount, mode }, index): Pair => ({ index, vrid, mode, vips: Array.from({ length: vipCount }, (_, k) => `10.${index}.0.${k + 1}`) })),
);

const names = (pair: Pair) => [`p${pair.index}a`, `p${pair.index}b`];

function directorsOf(pair: Pair): DirectorView[] {
  const services = pair.vips.map((vip) => service(vip, 443, [realServer(`10.${pair.index}.1.1`, 443)]));
  const [a, b] = names(pair) as [string, string];
  const bState = pair.mode === "split-brain" ? "MASTER" : "BACKUP";
  const bHolds = pair.mode === "split-brain" || pair.mode === "leftover-vip";
  return [
    director(a, { vrrp: [vrrp(pair.vrid, "MASTER", pair.vips)], vipsPresent: pair.vips, services, stale: pair.mode === "stale-master", receivedAt: pair.mode === "stale-master" ? T0 - 60_000 : T0 }),
    director(b, { vrrp: [vrrp(pair.vrid, bState, pair.vips)], vipsPresent: bHolds ? pair.vips : [], services, stale: pair.mode === "stale-backup", receivedAt: pair.mode === "stale-backup" ? T0 - 60_000 : T0 }),
  ];
}

const shuffledFleetArb = fleetArb.chain((pairs) => {
  const directors = pairs.flatMap(directorsOf);
  return fc.tuple(fc.constant(directors), fc.shuffledSubarray(directors, { minLength: directors.length, maxLength: directors.length }));
});

/** The verdict kinds each mode must raise for its pair, and nothing else. */
const expectedKinds: Record<Mode, string[]> = {
  healthy: [],
  "split-brain": ["split-brain", "vip-on-two-directors"],
  "stale-master": ["no-master", "stale-director"],
  "stale-backup": ["stale-director"],
  "leftover-vip": ["vip-on-two-directors"],
};
const expectedStatus: Record<Mode, string> = { healthy: "ok", "split-brain": "split-brain", "stale-master": "no-master", "stale-backup": "stale", "leftover-vip": "split-brain" };

const concerns = (verdict: Verdict, pair: Pair) =>
  vipsOfVerdict(verdict).some((vip) => pair.vips.includes(vip)) || (verdict.scope.director !== undefined && names(pair).includes(verdict.scope.director));
const ids = (verdicts: readonly Verdict[]) => verdicts.map((v) => v.id).sort();

describe("verdicts over generated fleets of keepalived pairs", () => {
  it("are one answer whatever order the directors arrive in", () => {
    fc.assert(
      fc.property(shuffledFleetArb, ([directors, shuffled]) => {
        expect(deriveVerdicts(verdictInput(shuffled))).toEqual(deriveVerdicts(verdictInput(directors)));
      }),
    );
  });

  it("form one VRRP group per pair even when pairs reuse a VRID", () => {
    fc.assert(
      fc.property(fleetArb, (pairs) => {
        const groups = vrrpGroups(pairs.flatMap(directorsOf));
        expect(groups).toHaveLength(pairs.length);
        for (const pair of pairs) {
          const group = groups.find((g) => g.vips.includes(pair.vips[0] ?? ""));
          expect(group?.vrid).toBe(pair.vrid);
          expect(group?.members.map((m) => m.director.id)).toEqual(names(pair));
        }
      }),
    );
  });

  it("name each pair's trouble for that pair only, and give healthy pairs none", () => {
    fc.assert(
      fc.property(fleetArb, (pairs) => {
        const verdicts = deriveVerdicts(verdictInput(pairs.flatMap(directorsOf)));
        for (const verdict of verdicts) expect(pairs.filter((p) => concerns(verdict, p))).toHaveLength(1);
        for (const pair of pairs) {
          const mine = verdicts.filter((v) => concerns(v, pair));
          expect([...new Set(mine.map((v) => v.kind))].sort()).toEqual(expectedKinds[pair.mode]);
          for (const v of mine.filter((x) => x.kind === "split-brain")) expect(v.message).toContain(`MASTER on ${names(pair).join(" and ")}`);
        }
      }),
    );
  });

  it("give every VIP the status of its own pair", () => {
    fc.assert(
      fc.property(fleetArb, (pairs) => {
        const directors = pairs.flatMap(directorsOf);
        const health = clusterHealth(directors, deriveVerdicts(verdictInput(directors)));
        for (const pair of pairs) for (const vip of pair.vips) expect(statusOf(verdictsOfVip(health, vip))).toBe(expectedStatus[pair.mode]);
        expect(ids(health.verdicts)).toEqual(ids(deriveVerdicts(verdictInput(directors))));
      }),
    );
  });
});
