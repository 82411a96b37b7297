import type { RealServer } from "@lvsdeck/protocol";
import type { VrrpGroup } from "./topologyModel";

/** Services with more real servers than this start collapsed in the graph, so 50 × 20 stays readable. */
export const COLLAPSE_REAL_SERVERS_ABOVE = 8;
/** Vertical distance between node rows. */
export const ROW_HEIGHT = 34;
/** Horizontal position of each column: VIPs, directors, virtual services, real servers. */
export const COLUMN_X = [10, 230, 450, 740] as const;
export const NODE_WIDTH = [190, 190, 250, 240] as const;
export const NODE_HEIGHT = 26;

export type NodeKind = "vip" | "director" | "service" | "real-server" | "rs-group";

/** How a real server is doing, drawn distinctly (shape and text, not only colour). */
export type RealServerStatus = "up" | "down" | "quiesced" | "draining" | "unknown";

export interface GraphNode {
  id: string;
  kind: NodeKind;
  label: string;
  /** A few words after the label: state, priority, counts. */
  detail: string;
  status: string;
  column: 0 | 1 | 2 | 3;
  x: number;
  y: number;
  /** Service nodes: whether their real servers are folded into one node. */
  collapsed?: boolean;
  match: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** Live connections carried (active + inactive). */
  connections: number;
  /** Drawn dashed: a BACKUP director's path, or one that carries no traffic. */
  standby: boolean;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

/** A saved offset of a node the operator dragged. */
export type Layout = Readonly<Record<string, { dx: number; dy: number }>>;

/** Up, down, quiesced (weight 0, nothing left), draining (weight 0, connections left). */
export function realServerStatus(rs: Pick<RealServer, "weight" | "health" | "activeConns" | "inactiveConns" | "inKernel">): RealServerStatus {
  if (rs.health === "down") return "down";
  // keepalived took it out of the kernel table (a lost quorum): alive, but it takes no connections
  if (rs.inKernel === false) return "quiesced";
  if (rs.weight === 0) return rs.activeConns + rs.inactiveConns > 0 ? "draining" : "quiesced";
  return rs.health === "up" ? "up" : "unknown";
}

/** The stroke width of an edge: 1.5 px empty, up to 10 px for the busiest edge on screen. */
export function edgeWidth(connections: number, max: number): number {
  if (max <= 0 || connections <= 0) return 1.5;
  return 1.5 + 8.5 * Math.sqrt(Math.min(1, connections / max));
}

function conns(rs: Pick<RealServer, "activeConns" | "inactiveConns">): number {
  return rs.activeConns + rs.inactiveConns;
}

function matches(query: string, ...texts: string[]): boolean {
  return query === "" || texts.some((t) => t.toLowerCase().includes(query));
}

/**
 * Lays out VIPs → directors → virtual services → real servers in four columns. `expanded` and
 * `collapsed` override the default folding of services; `query` marks matching nodes.
 */
export function buildGraph(groups: readonly VrrpGroup[], options: { expanded: ReadonlySet<string>; collapsed: ReadonlySet<string>; query: string; layout: Layout }): Graph {
  const query = options.query.trim().toLowerCase();
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const rows = [0, 0, 0, 0];
  const place = (node: Omit<GraphNode, "x" | "y">, rowsTaken = 1) => {
    const start = Math.max(rows[node.column] ?? 0, 0);
    const offset = options.layout[node.id] ?? { dx: 0, dy: 0 };
    nodes.push({ ...node, x: COLUMN_X[node.column] + offset.dx, y: 10 + start * ROW_HEIGHT + offset.dy });
    rows[node.column] = start + rowsTaken;
  };
  for (const group of groups) {
    // Each group starts below everything of the previous one.
    const top = Math.max(...rows);
    rows.fill(top);
    const groupConns = group.services.reduce((n, s) => n + s.realServers.reduce((m, rs) => m + conns(rs), 0), 0);
    for (const vip of group.vips.length > 0 ? group.vips : [`VRID ${group.vrid ?? "—"}`]) {
      place({ id: `vip:${vip}`, kind: "vip", label: vip, detail: group.vrid === null ? "" : `VRID ${group.vrid}`, status: group.problem ?? "ok", column: 0, match: matches(query, vip) });
      for (const m of group.members) {
        edges.push({ from: `vip:${vip}`, to: `dir:${group.key}:${m.view.id}`, connections: m === group.shown ? groupConns : 0, standby: m.state !== "MASTER" });
      }
    }
    for (const m of group.members) {
      const priority = m.instance === null ? "" : ` · prio ${m.instance.effectivePriority}`;
      const state = m.freshness.stale ? `stale (${m.state})` : m.state;
      place({ id: `dir:${group.key}:${m.view.id}`, kind: "director", label: m.view.id, detail: `${state}${priority}`, status: m.freshness.stale ? "stale" : m.state, column: 1, match: matches(query, m.view.id) });
    }
    const shownId = group.shown === null ? null : `dir:${group.key}:${group.shown.view.id}`;
    for (const service of group.services) {
      const sid = `svc:${group.key}:${service.key}`;
      const rsMatch = service.realServers.some((rs) => matches(query, rs.key));
      const defaultCollapsed = service.realServers.length > COLLAPSE_REAL_SERVERS_ABOVE && !(query !== "" && rsMatch);
      const collapsed = options.collapsed.has(service.key) || (defaultCollapsed && !options.expanded.has(service.key));
      const total = service.realServers.reduce((n, rs) => n + conns(rs), 0);
      const up = service.realServers.filter((rs) => realServerStatus(rs) === "up").length;
      rows[2] = Math.max(rows[2] ?? 0, rows[3] ?? 0);
      rows[3] = rows[2] ?? 0;
      place({ id: sid, kind: "service", label: service.key, detail: `${service.scheduler} · ${up}/${service.realServers.length} up · ${total} conns`, status: up === 0 && service.realServers.length > 0 ? "down" : "ok", column: 2, collapsed, match: matches(query, service.key) || rsMatch });
      if (shownId !== null) edges.push({ from: shownId, to: sid, connections: total, standby: false });
      if (collapsed) {
        place({ id: `grp:${sid}`, kind: "rs-group", label: `${service.realServers.length} real servers`, detail: `${up} up`, status: up < service.realServers.length ? "warn" : "up", column: 3, match: rsMatch });
        edges.push({ from: sid, to: `grp:${sid}`, connections: total, standby: false });
        continue;
      }
      for (const rs of service.realServers) {
        const status = realServerStatus(rs);
        place({ id: `rs:${sid}:${rs.key}`, kind: "real-server", label: rs.key, detail: `w ${rs.weight} · ${conns(rs)} conns`, status, column: 3, match: matches(query, rs.key, service.key) });
        edges.push({ from: sid, to: `rs:${sid}:${rs.key}`, connections: conns(rs), standby: rs.weight === 0 });
      }
    }
  }
  const height = Math.max(...rows) * ROW_HEIGHT + 20;
  const width = COLUMN_X[3] + NODE_WIDTH[3] + 10;
  const maxY = nodes.reduce((m, n) => Math.max(m, n.y + NODE_HEIGHT + 10), height);
  return { nodes, edges, width, height: maxY };
}

/** Reads the saved layout; anything unreadable is an empty layout, never an error. */
export function parseLayout(text: string | null): Layout {
  if (text === null) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return {};
    const layout: Record<string, { dx: number; dy: number }> = {};
    for (const [id, offset] of Object.entries(value as Record<string, unknown>)) {
      const { dx, dy } = (offset ?? {}) as Record<string, unknown>;
      if (typeof dx === "number" && typeof dy === "number" && Number.isFinite(dx) && Number.isFinite(dy)) layout[id] = { dx, dy };
    }
    return layout;
  } catch {
    return {};
  }
}

/** Above this many nodes the graph draws only what lies within a screen of its visible part. */
export const CULL_NODES_ABOVE = 200;

/**
 * The nodes and edges of `graph` that touch the vertical band [top, bottom] (graph pixels), plus the
 * nodes in `keep` (focused or dragged). An edge is kept when its vertical extent crosses the band, so a
 * line from a node above the band to one below it is still drawn.
 */
export function inBand(graph: Graph, top: number, bottom: number, keep: ReadonlySet<string>): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const nodes = graph.nodes.filter((n) => keep.has(n.id) || (n.y + NODE_HEIGHT >= top && n.y <= bottom));
  const edges = graph.edges.filter((e) => {
    const a = byId.get(e.from);
    const b = byId.get(e.to);
    if (a === undefined || b === undefined) return false;
    return Math.max(a.y, b.y) + NODE_HEIGHT >= top && Math.min(a.y, b.y) <= bottom;
  });
  return { nodes, edges };
}
