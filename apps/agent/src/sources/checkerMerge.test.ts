import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mergeIpvsTables, parseIpvsadmList } from "@lvsdeck/ipvs";
import { parseKeepalivedData } from "@lvsdeck/keepalived";
import type { Health, VirtualService } from "@lvsdeck/protocol";
import { mergeCheckerView } from "./checkerMerge";
import type { CheckerView } from "./parts";

// keepalived_check.data and `ipvsadm -Ln` taken together in the lab VM (real IPVS, keepalived 2.2.7):
// rs2:80 failed (removed), rs2:8081 failed (inhibit_on_failure), rs1:8082 failed under quorum 2 with a sorry server.
const fixture = (name: string) => readFileSync(new URL(`../../../../packages/keepalived/fixtures/real/${name}`, import.meta.url), "utf8");

function kernelTable(): VirtualService[] {
  const list = parseIpvsadmList(fixture("vm-check-failed.ipvsadm-Ln.txt"));
  expect(list.errors).toEqual([]);
  return mergeIpvsTables({ list: list.value }).value;
}
function checkerView(lastChange: ReadonlyMap<string, number> = new Map(), verdicts: ReadonlyMap<string, Health> = new Map()): CheckerView {
  const dump = parseKeepalivedData(fixture("vm-check-failed.data"));
  if (!dump.ok) throw new Error(dump.error.message);
  return { virtualServers: dump.value.virtualServers, lastChange, verdicts };
}
const rowOf = (services: VirtualService[], service: string, rs: string) => services.find((s) => s.key === service)?.realServers.find((r) => r.key === rs);

describe("mergeCheckerView on the lab VM's real kernel table and checker dump", () => {
  it("the kernel table itself lacks the server keepalived removed", () => {
    expect(rowOf(kernelTable(), "TCP 198.51.100.100:80", "203.0.113.12:80")).toBeUndefined();
  });

  it("adds a configured server missing from the kernel table as down, flagged, with its configured weight and no traffic", () => {
    const merged = mergeCheckerView(kernelTable(), checkerView(new Map([["TCP 198.51.100.100:80|203.0.113.12:80", 1_700_000_000_000]])));
    const web = merged.find((s) => s.key === "TCP 198.51.100.100:80");
    expect(web?.realServers.map((r) => r.key)).toEqual(["203.0.113.11:80", "203.0.113.12:80"]);
    expect(rowOf(merged, "TCP 198.51.100.100:80", "203.0.113.12:80")).toMatchObject({
      health: "down",
      inKernel: false,
      weight: 2,
      forwarding: "Masq",
      activeConns: 0,
      inactiveConns: 0,
      stats: { conns: 0 },
      checker: { types: ["TCP_CHECK"], alive: false, failedCheckers: 1, lastChangeAt: 1_700_000_000_000 },
    });
    expect(rowOf(merged, "TCP 198.51.100.100:80", "203.0.113.11:80")).toMatchObject({ inKernel: true, checker: { alive: true, lastChangeAt: null } });
  });

  it("takes an RS FIFO verdict newer than the dump: a server the dump still calls alive, just removed, reads failed", () => {
    // the dump still says rs1:80 alive; keepalived's RS DOWN line came after it and the kernel already lacks it
    const table = kernelTable().map((s) => (s.key === "TCP 198.51.100.100:80" ? { ...s, realServers: s.realServers.filter((r) => r.key !== "203.0.113.11:80") } : s));
    const merged = mergeCheckerView(table, checkerView(new Map(), new Map([["TCP 198.51.100.100:80|203.0.113.11:80", "down"]])));
    expect(rowOf(merged, "TCP 198.51.100.100:80", "203.0.113.11:80")).toMatchObject({ health: "down", inKernel: false, checker: { alive: false } });
  });

  it("keeps an inhibited failed server in place (in the table, weight 0) with the checker's verdict", () => {
    const merged = mergeCheckerView(kernelTable(), checkerView());
    expect(rowOf(merged, "TCP 198.51.100.100:8081", "203.0.113.12:8081")).toMatchObject({ weight: 0, inKernel: true, checker: { alive: false } });
  });

  it("shows the lost quorum and the sorry server in use, and both configured servers out of the table", () => {
    const merged = mergeCheckerView(kernelTable(), checkerView());
    const sorry = merged.find((s) => s.key === "TCP 198.51.100.100:8082");
    expect(sorry?.checker).toEqual({ quorum: 2, quorumUp: false, sorryServer: "203.0.113.12:8083", sorryServerInUse: true });
    expect(sorry?.realServers.map((r) => [r.key, r.inKernel ?? true, r.health])).toEqual([
      ["203.0.113.12:8083", true, "unknown"],
      ["203.0.113.11:8082", false, "down"],
      // alive by its checker, but keepalived took it out when the quorum was lost: up, and not in the table
      ["203.0.113.12:8082", false, "up"],
    ]);
  });

  it("leaves services keepalived does not configure, and everything without a checker view, as they are", () => {
    const table = kernelTable();
    expect(mergeCheckerView(table, null)).toEqual(table);
    expect(mergeCheckerView(table, { virtualServers: [], lastChange: new Map(), verdicts: new Map() })).toEqual(table);
  });
});
