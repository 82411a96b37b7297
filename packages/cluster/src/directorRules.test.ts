import { describe, expect, it } from "vitest";
import type { CheckerProcess, DirectorView } from "@lvsdeck/protocol";
import { clusterHealth, deriveVerdicts, statusOf, verdictsOfVip } from "./index";
import { SEED_VIP, T0, seedCluster, verdictInput } from "./fixtures";

/** The seed pair with lvs-dir-02's keepalived checker in the given state. */
function withChecker(checker: CheckerProcess, patch: Partial<DirectorView> = {}): DirectorView[] {
  const [dir01, dir02] = seedCluster() as [DirectorView, DirectorView];
  const snapshot = dir02.snapshot;
  if (snapshot === null) throw new Error("fixture without a snapshot");
  return [dir01, { ...dir02, ...patch, snapshot: { ...snapshot, keepalived: { ...snapshot.keepalived, checker } } }];
}

describe("checker-silent", () => {
  it("is raised for a checker that answers no dump, or is not running, while keepalived runs", () => {
    const silent = deriveVerdicts(verdictInput(withChecker({ pid: 7, running: true, lastDumpAt: T0 - 60_000, silent: true })));
    expect(silent).toMatchObject([{ kind: "checker-silent", severity: "warning", scope: { director: "lvs-dir-02" } }]);
    expect(silent[0]?.message).toMatch(/^keepalived's checker on lvs-dir-02 is silent \(last answered at \d\d:\d\d:\d\d\): its real servers are not being health-checked$/);
    const gone = deriveVerdicts(verdictInput(withChecker({ pid: null, running: false, lastDumpAt: null, silent: false })));
    expect(gone[0]?.message).toBe("keepalived's checker on lvs-dir-02 is not running: its real servers are not being health-checked");
  });

  it("is not raised for a checker that answers, for a director without checker data, or for stale data", () => {
    expect(deriveVerdicts(verdictInput(withChecker({ pid: 7, running: true, lastDumpAt: T0, silent: false })))).toEqual([]);
    expect(deriveVerdicts(verdictInput(seedCluster()))).toEqual([]);
    const stale = deriveVerdicts(verdictInput(withChecker({ pid: 7, running: true, lastDumpAt: null, silent: true }, { stale: true })));
    expect(stale.map((v) => v.kind)).toEqual(["stale-director"]);
  });

  it("reaches the VIP's status as degraded, so the wall and the topology page show it", () => {
    const directors = withChecker({ pid: 7, running: true, lastDumpAt: null, silent: true });
    const health = clusterHealth(directors, deriveVerdicts(verdictInput(directors)));
    expect(statusOf(verdictsOfVip(health, SEED_VIP))).toBe("degraded");
  });
});
