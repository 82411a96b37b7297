import { describe, expect, it } from "vitest";
import type { VirtualService } from "@lvsdeck/protocol";
import { createVerdictTracker, deriveVerdicts } from "./index";
import { SEED_VIP, SEED_VRID, verdictInput, realServer, seedCluster, seedService, service, vrrp } from "./fixtures";

const withBackupTable = (services: VirtualService[], stale = false) => seedCluster({ dir02: { services, stale } });
const messages = (services: VirtualService[]) => deriveVerdicts(verdictInput(withBackupTable(services))).map((a) => a.message);
const PREFIX = "VRID 88 (192.168.50.100) tables differ between MASTER lvs-dir-01 and BACKUP lvs-dir-02: on failover to lvs-dir-02, ";

describe("tables-differ", () => {
  it("says what a weight difference would change on failover", () => {
    const verdicts = deriveVerdicts(verdictInput(withBackupTable([seedService({ rs1: { weight: 6 } })])));
    expect(verdicts).toMatchObject([{ kind: "tables-differ", severity: "warning", scope: { vrid: 88, vips: [SEED_VIP], director: "lvs-dir-02" } }]);
    expect(verdicts[0]?.message).toBe(`${PREFIX}192.168.50.11:443 weight 2→6 in TCP 192.168.50.100:443`);
  });

  it("names missing services and real servers, scheduler, persistence and forwarding differences", () => {
    expect(messages([])).toEqual([`${PREFIX}TCP 192.168.50.100:443 would disappear`]);
    const oneServer = service(SEED_VIP, 443, [realServer("192.168.50.11", 443)]);
    expect(messages([oneServer])).toEqual([`${PREFIX}192.168.50.12:443 would disappear from TCP 192.168.50.100:443`]);
    const changed = { ...seedService({ rs2: { forwarding: "Masq" } }), scheduler: "lc" as const, persistence: null };
    expect(messages([changed])).toEqual([
      `${PREFIX}TCP 192.168.50.100:443 scheduler wrr→lc; TCP 192.168.50.100:443 persistence 120 s→none; 192.168.50.12:443 forwarding DR→NAT in TCP 192.168.50.100:443`,
    ]);
    const extra = service(SEED_VIP, 80, [realServer("192.168.50.11", 80)]);
    expect(messages([seedService(), extra])).toEqual([`${PREFIX}TCP 192.168.50.100:80 would appear`]);
  });

  it("compares fwmark services present on either director, but not services of other VIPs", () => {
    const fwmark = { ...service("0.0.0.0", 0, []), key: "FWM 100" as never, address: null, port: null, fwmark: 100 };
    expect(messages([seedService(), fwmark])).toEqual([`${PREFIX}FWM 100 would appear`]);
    expect(messages([seedService(), service("10.9.9.9", 443, [])])).toEqual([]);
  });

  it("lists a bounded number of differences", () => {
    const backup = seedService({ rs1: { weight: 1 }, rs2: { weight: 1 } });
    const verdicts = deriveVerdicts(verdictInput(withBackupTable([{ ...backup, scheduler: "rr" }])), { maxDifferencesListed: 1 });
    expect(verdicts[0]?.message).toBe(`${PREFIX}TCP 192.168.50.100:443 scheduler wrr→rr; and 2 more`);
  });

  it("is not raised against a stale BACKUP, nor without a single fresh MASTER", () => {
    expect(deriveVerdicts(verdictInput(withBackupTable([], true))).map((a) => a.kind)).toEqual(["stale-director"]);
    const bothBackup = seedCluster({ dir01: { vrrp: [vrrp(SEED_VRID, "BACKUP", [SEED_VIP])] }, dir02: { services: [] } });
    expect(deriveVerdicts(verdictInput(bothBackup)).map((a) => a.kind)).toEqual(["no-master"]);
  });

  it("keeps its id and since while the difference changes, and reports the new message as updated", () => {
    const tracker = createVerdictTracker();
    const first = tracker.update(verdictInput(withBackupTable([seedService({ rs1: { weight: 6 } })])));
    const second = tracker.update(verdictInput(withBackupTable([seedService({ rs1: { weight: 7 } })]), { now: first.active[0]!.since + 5000 }));
    expect(second.raised).toEqual([]);
    expect(second.updated).toMatchObject([{ id: first.raised[0]?.id, since: first.raised[0]?.since }]);
    expect(second.updated[0]?.message).toContain("weight 2→7");
    expect(tracker.update(verdictInput(seedCluster())).cleared.map((a) => a.kind)).toEqual(["tables-differ"]);
  });
});
