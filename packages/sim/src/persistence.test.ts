import { describe, expect, it } from "vitest";
import { createServices } from "./ipvsTable";
import { createTemplateTable } from "./persistence";
import { seedCluster } from "./seedCluster";

describe("persistence templates", () => {
  const [https, , , , fwm] = createServices(seedCluster.services, 0, () => false);

  it("expire after the persistence timeout unless used again, each use restarting the timeout", () => {
    const table = createTemplateTable();
    const t = table.create(https!, https!.realServers[1]!, "198.51.100.7", 0);
    expect(t?.dest.persistConns).toBe(1);
    expect(table.lookup(https!, "198.51.100.7", 100_000)).toBe(t);
    expect(table.lookup(https!, "198.51.100.7", 219_000)).toBe(t);
    expect(table.lookup(https!, "198.51.100.7", 340_000)).toBeNull();
    expect(https!.realServers[1]!.persistConns).toBe(0);
  });

  it("do not expire while they still control connections", () => {
    const table = createTemplateTable();
    const t = table.create(https!, https!.realServers[0]!, "198.51.100.8", 0)!;
    t.controlled = 1;
    table.expire(500_000);
    expect([...table.all()]).toHaveLength(1);
    t.controlled = 0;
    table.expire(1_000_000);
    expect([...table.all()]).toHaveLength(0);
  });

  it("group clients by the service netmask", () => {
    const table = createTemplateTable();
    const t = table.create(fwm!, fwm!.realServers[0]!, "203.0.113.40", 0);
    expect(t?.client).toBe("203.0.113.0");
    expect(table.lookup(fwm!, "203.0.113.99", 1000)).toBe(t);
    expect(table.lookup(fwm!, "198.51.100.99", 1000)).toBeNull();
  });
});
