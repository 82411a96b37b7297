import { describe, expect, it } from "vitest";
import { deriveVerdicts, describeSync, syncReading } from "./index";
import { connectionSync, seedCluster, verdictInput } from "./fixtures";
import type { DirectorId } from "@lvsdeck/protocol";

const A = "lvs-dir-01" as DirectorId;
const B = "lvs-dir-02" as DirectorId;
const words = (master: ReturnType<typeof connectionSync> | undefined, backup: ReturnType<typeof connectionSync> | undefined) => describeSync(syncReading({ id: A, sync: master }, { id: B, sync: backup }), A, B);
const syncVerdicts = (master: ReturnType<typeof connectionSync>, backup: ReturnType<typeof connectionSync>) =>
  deriveVerdicts(verdictInput(seedCluster({ dir01: { connectionSync: master }, dir02: { connectionSync: backup } }))).filter((v) => v.kind === "sync-stopped");

describe("connection sync between a MASTER and a BACKUP", () => {
  it("gives the share of the MASTER's connections the BACKUP holds", () => {
    expect(words(connectionSync([["master", 1]], { local: 10_000, synced: 0 }), connectionSync([["backup", 1]], { local: 0, synced: 9_412 }))).toBe(
      "clients that would keep their connection on failover to lvs-dir-02 now: 94 % (9,412 of 10,000 entries synced)",
    );
    // More synced than local (entries of closed connections not yet expired) is capped at 100 %.
    expect(syncReading({ id: A, sync: connectionSync([["master", 1]], { local: 10, synced: 0 }) }, { id: B, sync: connectionSync([["backup", 1]], { local: 0, synced: 12 }) })).toMatchObject({ share: 1 });
  });

  it("says when there is nothing to carry or nothing was counted", () => {
    expect(words(connectionSync([["master", 1]], { local: 0, synced: 0 }), connectionSync([["backup", 1]], { local: 0, synced: 0 }))).toBe("connection sync running (sync id 1); lvs-dir-01 has no connections to carry now");
    expect(words(connectionSync([["master", 1]]), connectionSync([["backup", 1]]))).toBe("connection sync running (sync id 1); entries not counted");
  });

  it("tells sync not set up, stopped on either side, sync ids apart, and unknown apart", () => {
    expect(words(connectionSync([]), connectionSync([]))).toBe("no connection sync between lvs-dir-01 and lvs-dir-02: every client reconnects on failover");
    expect(words(connectionSync([]), connectionSync([["backup", 1]]))).toMatch(/^connection sync stopped: lvs-dir-01 runs no master sync daemon/);
    expect(words(connectionSync([["master", 1]]), connectionSync([]))).toMatch(/^connection sync stopped: lvs-dir-02 runs no backup sync daemon/);
    expect(words(connectionSync([["master", 1]]), connectionSync([["backup", 2]]))).toMatch(/sync ids differ \(lvs-dir-01 sends 1, lvs-dir-02 takes 2\)/);
    expect(words(connectionSync([["master", 1]]), undefined)).toBe("connection sync not known: lvs-dir-02 does not report its sync daemons");
    expect(words(connectionSync(null), connectionSync([["backup", 1]]))).toBe("connection sync not known: lvs-dir-01 does not report its sync daemons");
  });
});

describe("sync-stopped", () => {
  it("is raised on the director whose daemon is missing, as a warning on the group", () => {
    expect(syncVerdicts(connectionSync([["master", 1]]), connectionSync([]))).toMatchObject([
      { kind: "sync-stopped", severity: "warning", scope: { vrid: 88, director: "lvs-dir-02" }, message: expect.stringMatching(/^VRID 88 \(192\.168\.50\.100\) connection sync stopped: lvs-dir-02 runs no backup sync daemon/) },
    ]);
    expect(syncVerdicts(connectionSync([]), connectionSync([["backup", 1]]))).toMatchObject([{ scope: { director: "lvs-dir-01" } }]);
    expect(syncVerdicts(connectionSync([["master", 1]]), connectionSync([["backup", 9]]))).toMatchObject([{ scope: { director: "lvs-dir-02" } }]);
  });

  it("is not raised while syncing, when sync is not set up, or when either side does not say", () => {
    expect(syncVerdicts(connectionSync([["master", 1]]), connectionSync([["backup", 1]]))).toEqual([]);
    expect(syncVerdicts(connectionSync([]), connectionSync([]))).toEqual([]);
    expect(syncVerdicts(connectionSync([["master", 1]]), connectionSync(null))).toEqual([]);
  });

  it("is not raised against a stale BACKUP", () => {
    const cluster = seedCluster({ dir01: { connectionSync: connectionSync([["master", 1]]) }, dir02: { connectionSync: connectionSync([]), stale: true } });
    expect(deriveVerdicts(verdictInput(cluster)).map((v) => v.kind)).toEqual(["stale-director"]);
  });
});
