import { describe, expect, it } from "vitest";
import { buildGraph, edgeWidth, inBand, parseLayout, realServerStatus, COLLAPSE_REAL_SERVERS_ABOVE, type Graph, type GraphNode } from "./graphModel";
import { buildTopology } from "./topologyModel";
import { cluster, instance, view } from "../../test/fixtures";

const now = 10_000;
const twoDirectors = cluster([view("d1", now, {}, { vrrp: [instance("MASTER", 200)] }), view("d2", now, {}, { vrrp: [instance("BACKUP", 100)] })]);
const groups = () => buildTopology(twoDirectors, twoDirectors.health, now);
const none = { expanded: new Set<string>(), collapsed: new Set<string>(), query: "", layout: {} };

describe("realServerStatus", () => {
  it("tells up, down, quiesced and draining apart", () => {
    expect(realServerStatus({ weight: 1, health: "up", activeConns: 0, inactiveConns: 0 })).toBe("up");
    expect(realServerStatus({ weight: 0, health: "down", activeConns: 3, inactiveConns: 0 })).toBe("down");
    expect(realServerStatus({ weight: 0, health: "up", activeConns: 0, inactiveConns: 0 })).toBe("quiesced");
    expect(realServerStatus({ weight: 0, health: "up", activeConns: 0, inactiveConns: 2 })).toBe("draining");
  });
});

describe("buildGraph", () => {
  it("draws VIP → directors → service → real servers, the MASTER's path solid", () => {
    const g = buildGraph(groups(), none);
    expect(g.nodes.map((n) => n.kind)).toEqual(["vip", "director", "director", "service", "real-server", "real-server"]);
    expect(g.edges.filter((e) => e.from === "vip:192.0.2.10").map((e) => e.standby)).toEqual([false, true]);
  });

  it("folds services with many real servers unless expanded, and applies saved offsets", () => {
    const gs = groups();
    const service = gs[0]?.services[0];
    if (service === undefined) throw new Error("fixture has a service");
    const many = { ...service, realServers: Array.from({ length: COLLAPSE_REAL_SERVERS_ABOVE + 1 }, (_, i) => ({ ...service.realServers[0]!, key: `192.0.2.${i}:443` as typeof service.realServers[0]["key"] })) };
    const big = [{ ...gs[0]!, services: [many] }];
    expect(buildGraph(big, none).nodes.filter((n) => n.kind === "real-server")).toHaveLength(0);
    expect(buildGraph(big, { ...none, expanded: new Set([many.key as string]) }).nodes.filter((n) => n.kind === "real-server")).toHaveLength(COLLAPSE_REAL_SERVERS_ABOVE + 1);
    const moved = buildGraph(gs, { ...none, layout: { "vip:192.0.2.10": { dx: 5, dy: 40 } } }).nodes[0];
    expect(moved?.y).toBe(50);
  });

  it("links each VIP only to the directors of its own pair when two pairs reuse a VRID", () => {
    const other = { ...instance("MASTER", 200), vips: ["198.51.100.10/32"] };
    const c = cluster([...twoDirectors.directors, view("e1", now, {}, { vrrp: [other] }), view("e2", now, {}, { vrrp: [{ ...other, state: "MASTER" }] })]);
    const g = buildGraph(buildTopology(c, c.health, now), none);
    const linked = (vip: string) => g.edges.filter((e) => e.from === `vip:${vip}`).map((e) => e.to.split(":").at(-1));
    expect(linked("192.0.2.10")).toEqual(["d1", "d2"]);
    expect(linked("198.51.100.10")).toEqual(["e1", "e2"]);
    expect(g.nodes.filter((n) => n.kind === "vip").map((n) => [n.label, n.status])).toEqual([["192.0.2.10", "ok"], ["198.51.100.10", "split-brain"]]);
  });

  it("marks what matches a search", () => {
    const g = buildGraph(groups(), { ...none, query: "192.0.2.11" });
    expect(g.nodes.filter((n) => n.match && n.kind === "real-server").map((n) => n.label)).toEqual(["192.0.2.11:443"]);
  });
});

describe("edgeWidth and parseLayout", () => {
  it("grows with connections up to a limit", () => {
    expect(edgeWidth(0, 100)).toBe(1.5);
    expect(edgeWidth(100, 100)).toBe(10);
    expect(edgeWidth(25, 100)).toBeCloseTo(5.75);
  });
  it("ignores a broken saved layout", () => {
    expect(parseLayout("{")).toEqual({});
    expect(parseLayout('{"a":{"dx":1,"dy":2},"b":{"dx":"x"}}')).toEqual({ a: { dx: 1, dy: 2 } });
  });
});

describe("inBand", () => {
  const node = (id: string, y: number): GraphNode => ({ id, kind: "real-server", label: id, detail: "", status: "up", column: 3, x: 0, y, match: true });
  const graph: Graph = {
    nodes: [node("top", 10), node("middle", 500), node("bottom", 2000)],
    edges: [
      { from: "top", to: "bottom", connections: 1, standby: false },
      { from: "top", to: "middle", connections: 1, standby: false },
      { from: "bottom", to: "gone", connections: 1, standby: false },
    ],
    width: 100,
    height: 2100,
  };
  it("keeps the nodes in the band and the edges that cross it", () => {
    const drawn = inBand(graph, 400, 900, new Set());
    expect(drawn.nodes.map((n) => n.id)).toEqual(["middle"]);
    // top → bottom passes through the band; top → middle ends in it; an edge to a node not in the graph is dropped.
    expect(drawn.edges.map((e) => `${e.from}>${e.to}`)).toEqual(["top>bottom", "top>middle"]);
  });
  it("always keeps the focused node, wherever it is", () => {
    expect(inBand(graph, 400, 900, new Set(["bottom"])).nodes.map((n) => n.id)).toEqual(["middle", "bottom"]);
  });
  it("counts a node that only partly reaches into the band", () => {
    expect(inBand(graph, 30, 100, new Set()).nodes.map((n) => n.id)).toEqual(["top"]);
  });
});
