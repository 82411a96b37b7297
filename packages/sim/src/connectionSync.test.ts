import { describe, expect, it } from "vitest";
import { decodeAdvert, decodeSync, encodeAdvert, encodeSync } from "./advert";
import { createSimDirector } from "./simDirector";
import { runPair, T0 } from "./testCluster";
import { seedCluster } from "./seedCluster";

const pair = (cluster = seedCluster) => [createSimDirector({ director: "lvs-dir-01", seed: 7, now: T0, cluster }), createSimDirector({ director: "lvs-dir-02", seed: 7, now: T0, cluster })] as const;
const roles = (sync: { daemons: Array<{ role: string }> | null } | undefined) => sync?.daemons?.map((d) => d.role);

describe("simulated connection sync (keepalived's lvs_sync_daemon)", () => {
  it("runs a master daemon on the MASTER and a backup daemon on the BACKUP, which holds the MASTER's connections past the handshake", () => {
    const [a, b] = pair();
    const t = runPair(a, b, T0, T0 + 60_000);
    const [master, backup] = [a.snapshot(t).connectionSync, b.snapshot(t).connectionSync];
    expect(roles(master)).toEqual(["master"]);
    expect(roles(backup)).toEqual(["backup"]);
    expect(master?.daemons?.[0]).toMatchObject({ interface: "eth0", syncId: 88 });
    expect(master?.entries?.local).toBeGreaterThan(50);
    expect(backup?.entries?.local).toBe(0);
    // Connections past the handshake are synced; half-open ones are not.
    expect(backup?.entries?.synced).toBeGreaterThan(0);
    expect(backup?.entries?.synced).toBeLessThanOrEqual(master?.entries?.local ?? 0);
  });

  it("stops: a stopped daemon is listed no more and its BACKUP's entries stop following the MASTER; started again, they follow", () => {
    const [a, b] = pair();
    let t = runPair(a, b, T0, T0 + 60_000);
    a.injectFault({ kind: "sim-fault", fault: "stop-sync" }, t);
    expect(a.drainEvents().at(-1)).toMatchObject({ kind: "sim-fault", fault: "stop-sync", detail: expect.stringMatching(/connection sync daemons stopped on lvs-dir-01/) });
    t = runPair(a, b, t, t + 5000);
    expect(a.snapshot(t).connectionSync).toEqual({ daemons: [], entries: null });
    expect(roles(b.snapshot(t).connectionSync)).toEqual(["backup"]);
    a.injectFault({ kind: "sim-fault", fault: "start-sync" }, t);
    t = runPair(a, b, t, t + 2000);
    expect(roles(a.snapshot(t).connectionSync)).toEqual(["master"]);
  });

  it("follows failover: the new MASTER sends and the old one, back as BACKUP, receives", () => {
    const [a, b] = pair();
    let t = runPair(a, b, T0, T0 + 60_000);
    a.injectFault({ kind: "sim-fault", fault: "stop-director" }, t);
    t = runPair(a, b, t, t + 5000);
    expect(roles(b.snapshot(t).connectionSync)).toEqual(["master"]);
    expect(a.snapshot(t).connectionSync).toEqual({ daemons: [], entries: null });
    // Until the MASTER's own clients came, the new MASTER holds what the old one synced to it.
    expect(b.snapshot(t).connectionSync?.entries?.synced).toBeGreaterThan(0);
  });

  it("has no daemons without lvs_sync_daemon, and refuses to stop what does not run", () => {
    const { connectionSync: _, ...withoutSync } = seedCluster;
    const [a] = pair(withoutSync);
    expect(a.snapshot(T0 + 1000).connectionSync).toBeUndefined();
    expect(() => a.injectFault({ kind: "sim-fault", fault: "stop-sync" }, T0 + 1000)).toThrow(/runs no connection sync daemon/);
  });

  it("keeps sync messages and adverts apart on the wire, and drops malformed ones", () => {
    const message = { sync: true as const, director: "lvs-dir-01", syncId: 88, entries: 12 };
    expect(decodeSync(encodeSync(message))).toEqual(message);
    expect(decodeAdvert(encodeSync(message))).toBeNull();
    expect(decodeSync(encodeAdvert({ director: "lvs-dir-01", vrid: 88, priority: 200, advertIntervalMs: 1000, vips: [] }))).toBeNull();
    expect(decodeSync('{"sync":true,"director":"x","syncId":300,"entries":1}')).toBeNull();
    expect(decodeSync("not json")).toBeNull();
  });
});
