import { describe, expect, it } from "vitest";
import { keepalivedConf } from "./keepalived";
import { directorOf, instancesOf, namespacesOf, planLab } from "./plan";

describe("planLab", () => {
  it("puts two pairs on separate segments that reuse one VRID, each with VIPs of its own", () => {
    const plan = planLab({ prefix: "lvsdk-labp-", directors: 4, segments: 2, directorId: (i) => ["pa1", "pa2", "pb1", "pb2"][i - 1] ?? "" });
    expect(plan.directors.map((d) => [d.id, d.segment])).toEqual([["pa1", 0], ["pa2", 0], ["pb1", 1], ["pb2", 1]]);
    expect(plan.instances.map((i) => [i.name, i.vrid, i.vip, i.master, i.segment, i.members.map((m) => m.director)])).toEqual([
      ["VI_88", 88, "198.51.100.100", "pa1", 0, ["pa1", "pa2"]],
      ["VI_88", 88, "198.51.100.101", "pb1", 1, ["pb1", "pb2"]],
    ]);
    const pb2 = directorOf(plan, "pb2");
    expect(instancesOf(plan, pb2).map((i) => i.vip)).toEqual(["198.51.100.101"]);
    const conf = keepalivedConf(plan, pb2, { vrrpNotifyFifo: "/w/pb2.fifo", notifyFifo: null });
    expect(conf).toContain("virtual_router_id 88");
    expect(conf).toContain("198.51.100.101/24");
    expect(conf).not.toContain("198.51.100.100/24");
    expect(() => planLab({ prefix: "lvsdk-labp-", directors: 3, segments: 2 })).toThrow("segments");
  });

  it("lays out the seed pair: VRID 88, VIP 198.51.100.100, priorities 200/100, lvs-dir-01 MASTER", () => {
    const plan = planLab({ prefix: "lvsdk-lab-" });
    expect(plan.directors.map((d) => [d.id, d.ns, d.address])).toEqual([
      ["lvs-dir-01", "lvsdk-lab-d1", "198.51.100.11"],
      ["lvs-dir-02", "lvsdk-lab-d2", "198.51.100.12"],
    ]);
    expect(plan.instances).toEqual([
      {
        name: "VI_88",
        vrid: 88,
        vip: "198.51.100.100",
        master: "lvs-dir-01",
        members: [
          { director: "lvs-dir-01", priority: 200, initialState: "MASTER" },
          { director: "lvs-dir-02", priority: 100, initialState: "BACKUP" },
        ],
        segment: 0,
      },
    ]);
    expect(namespacesOf(plan)).toEqual(["lvsdk-lab-br", "lvsdk-lab-d1", "lvsdk-lab-d2"]);
  });

  it("swaps the priorities in the second instance, so each director is MASTER of one VIP", () => {
    const [first, second] = planLab({ prefix: "lvsdk-labt-", instances: 2 }).instances;
    expect(second).toMatchObject({ name: "VI_89", vrid: 89, vip: "198.51.100.101", master: "lvs-dir-02" });
    expect(second?.members.map((m) => [m.director, m.priority])).toEqual([
      ["lvs-dir-01", 100],
      ["lvs-dir-02", 200],
    ]);
    expect(first?.master).toBe("lvs-dir-01");
  });

  it("gives a third director a lower BACKUP priority and the bench a hub namespace", () => {
    const plan = planLab({ prefix: "lvsdk-bench-", directors: 3, hubNamespace: true, directorId: (i) => `lvs-bench-d${i}` });
    expect(plan.instances[0]?.members.map((m) => m.priority)).toEqual([200, 100, 90]);
    expect(plan.hub).toEqual({ ns: "lvsdk-bench-hub", address: "198.51.100.1" });
    expect(namespacesOf(plan)).toEqual(["lvsdk-bench-br", "lvsdk-bench-hub", "lvsdk-bench-d1", "lvsdk-bench-d2", "lvsdk-bench-d3"]);
    expect(directorOf(plan, "d3").id).toBe("lvs-bench-d3");
  });

  it("refuses one director, too many, and a prefix that is no plain name", () => {
    expect(() => planLab({ prefix: "lvsdk-lab-", directors: 1 })).toThrow("from 2 to 8");
    expect(() => planLab({ prefix: "lvsdk-lab-", directors: 9 })).toThrow("from 2 to 8");
    expect(() => planLab({ prefix: "lvsdk lab" })).toThrow("prefix");
    expect(() => directorOf(planLab({ prefix: "lvsdk-lab-" }), "d7")).toThrow("lvs-dir-01, lvs-dir-02");
  });
});

describe("keepalivedConf", () => {
  it("writes every instance with this director's state and priority, and the agent's FIFO", () => {
    const plan = planLab({ prefix: "lvsdk-lab-", instances: 2 });
    const conf = keepalivedConf(plan, plan.directors[1] ?? plan.directors[0]!, { vrrpNotifyFifo: "/w/agent.fifo", notifyFifo: null });
    expect(conf).toContain("router_id lvs-dir-02");
    expect(conf).toContain("vrrp_notify_fifo /w/agent.fifo");
    expect(conf).not.toContain("  notify_fifo");
    expect(conf).toContain("vrrp_instance VI_88 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 88\n  priority 100\n");
    expect(conf).toContain("vrrp_instance VI_89 {\n  state MASTER\n  interface eth0\n  virtual_router_id 89\n  priority 200\n");
    expect(conf).toContain("198.51.100.101/24");
  });

  it("adds notify_fifo when the bench asks for it", () => {
    const plan = planLab({ prefix: "lvsdk-bench-" });
    expect(keepalivedConf(plan, plan.directors[0]!, { vrrpNotifyFifo: "/w/a", notifyFifo: "/w/b" })).toContain("  notify_fifo /w/b\n  vrrp_notify_fifo /w/a\n");
  });
});
