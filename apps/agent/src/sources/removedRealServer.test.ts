import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mergeIpvsTables, parseIpvsadmList } from "@lvsdeck/ipvs";
import { parseKeepalivedData } from "@lvsdeck/keepalived";
import { createLogger } from "@lvsdeck/log";
import type { DirectorId } from "@lvsdeck/protocol";
import { virtualServiceSchema } from "@lvsdeck/protocol";
import { createDirectorSource } from "./directorSource";
import type { IpvsPart, KeepalivedPart } from "./parts";
import { healthKey } from "./parts";

// The lab VM with every server of TCP 198.51.100.100:443 failed (plain TCP_CHECK, no inhibit_on_failure):
// keepalived deleted both from the kernel, so `ipvsadm -Ln` lists the service with no real server at all.
const fixture = (name: string) => readFileSync(new URL(`../../../../packages/keepalived/fixtures/real/${name}`, import.meta.url), "utf8");
const SEED = "TCP 198.51.100.100:443";

function source(withChecker: boolean) {
  const list = parseIpvsadmList(fixture("vm-check-alldown.ipvsadm-Ln.txt"));
  const dump = parseKeepalivedData(fixture("vm-check-alldown.data"));
  if (!dump.ok) throw new Error(dump.error.message);
  const health = new Map(dump.value.virtualServers.flatMap((vs) => vs.realServers.map((rs) => [healthKey(vs.serviceKey ?? "", rs.key), rs.alive ? ("up" as const) : ("down" as const)])));
  const ipvs: IpvsPart = {
    kind: "ipvsadm",
    readTable: () => Promise.resolve({ services: mergeIpvsTables({ list: list.value }).value, timeouts: null }),
    readConnections: () => Promise.reject(new Error("not used")),
    streamConnections: () => Promise.reject(new Error("not used")),
  };
  const keepalived: KeepalivedPart = {
    read: () =>
      Promise.resolve({
        keepalived: { running: true, pid: 385, since: 0, checker: { pid: 421, running: true, lastDumpAt: 1, silent: false } },
        vrrp: [],
        syncGroups: [],
        vipsPresent: [],
        health,
        checker: withChecker ? { virtualServers: dump.value.virtualServers, lastChange: new Map(), verdicts: health } : null,
      }),
    onEvent: () => undefined,
    onChange: () => undefined,
    close: () => Promise.resolve(),
  };
  return createDirectorSource({ director: "lvs-dir-01" as DirectorId, ipvs: [ipvs], keepalived, weightMode: "runtime", weightsFile: null, reloadKeepalived: () => Promise.resolve(), log: createLogger("test", true) });
}

describe("a service whose every real server keepalived's checker removed", () => {
  it("reads 0 real servers from the kernel alone (what the agent shipped before it read the checker)", async () => {
    const snapshot = await source(false).read();
    expect(snapshot.services.find((s) => s.key === SEED)?.realServers).toEqual([]);
  });

  it("is shipped with each configured server down, out of the kernel table, at its configured weight, and no server taking connections", async () => {
    const snapshot = await source(true).read();
    // parsed as the hub parses it (the whole snapshot also holds :8081's weight 100000)
    const seed = virtualServiceSchema.parse(snapshot.services.find((s) => s.key === SEED));
    expect(seed.realServers.map((rs) => ({ key: rs.key, health: rs.health, inKernel: rs.inKernel, weight: rs.weight, conns: rs.activeConns + rs.inactiveConns }))).toEqual([
      { key: "203.0.113.11:443", health: "down", inKernel: false, weight: 2, conns: 0 },
      { key: "203.0.113.12:443", health: "down", inKernel: false, weight: 2, conns: 0 },
    ]);
    expect(seed.checker).toMatchObject({ quorumUp: false, sorryServerInUse: false });
    const takingConnections = seed.realServers.filter((rs) => rs.inKernel !== false && rs.weight > 0);
    expect(takingConnections).toEqual([]);
  });
});
