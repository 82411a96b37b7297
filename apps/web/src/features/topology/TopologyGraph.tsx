import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import { CULL_NODES_ABOVE, NODE_HEIGHT, NODE_WIDTH, buildGraph, edgeWidth, inBand, parseLayout, type GraphNode, type Layout } from "./graphModel";
import type { VrrpGroup } from "./topologyModel";

/** Where dragged positions are kept between visits. */
export const LAYOUT_STORAGE_KEY = "lvsdeck.topology.layout.v1";
/** Pixels an arrow key moves a focused node (Shift: ×5). */
const KEY_STEP_PX = 10;

function loadLayout(): Layout {
  try {
    return parseLayout(window.localStorage.getItem(LAYOUT_STORAGE_KEY));
  } catch {
    return {};
  }
}

function saveLayout(layout: Layout): void {
  try {
    window.localStorage.setItem(LAYOUT_STORAGE_KEY, JSON.stringify(layout));
  } catch {
    // Storage full or disabled: the layout lasts for this visit only.
  }
}

const statusWords: Record<string, string> = { down: "down", quiesced: "quiesced (weight 0)", draining: "draining", stale: "stale", FAULT: "FAULT", STOP: "stopped" };

interface Props {
  groups: readonly VrrpGroup[];
  query: string;
  expanded: ReadonlySet<string>;
  collapsed: ReadonlySet<string>;
  onToggleService: (service: string, collapsedNow: boolean) => void;
}

/** VIPs → directors → virtual services → real servers as an SVG graph; nodes can be dragged, the layout is saved. */
export function TopologyGraph({ groups, query, expanded, collapsed, onToggleService }: Props) {
  const [layout, setLayout] = useState<Layout>(loadLayout);
  const drag = useRef<{ id: string; startX: number; startY: number; base: { dx: number; dy: number } } | null>(null);
  const graph = useMemo(() => buildGraph(groups, { expanded, collapsed, query, layout }), [groups, expanded, collapsed, query, layout]);
  const byId = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n])), [graph]);
  const maxConns = graph.edges.reduce((m, e) => Math.max(m, e.connections), 0);
  // A large graph draws only the band around what its scroll box shows, plus the focused or dragged node.
  const scroller = useRef<HTMLDivElement>(null);
  const [band, setBand] = useState({ top: 0, height: typeof window === "undefined" ? 1000 : window.innerHeight });
  const [focusedId, setFocusedId] = useState<string | null>(null);
  useEffect(() => {
    const box = scroller.current;
    if (box === null) return;
    let frame = 0;
    const measure = () => {
      frame = 0;
      setBand((old) => (old.top === box.scrollTop && old.height === box.clientHeight ? old : { top: box.scrollTop, height: box.clientHeight }));
    };
    const onScroll = () => {
      if (frame === 0) frame = requestAnimationFrame(measure);
    };
    measure();
    box.addEventListener("scroll", onScroll, { passive: true });
    const resize = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(onScroll);
    resize?.observe(box);
    return () => {
      box.removeEventListener("scroll", onScroll);
      resize?.disconnect();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, []);
  const culled = graph.nodes.length > CULL_NODES_ABOVE;
  const drawn = useMemo(() => {
    if (!culled) return { nodes: graph.nodes, edges: graph.edges };
    // Pressing a node focuses it, so the node being dragged is the focused one.
    const keep = new Set(focusedId === null ? [] : [focusedId]);
    // One box height above and below what is shown, so scrolling finds nodes already drawn.
    return inBand(graph, band.top - band.height, band.top + 2 * band.height, keep);
  }, [graph, culled, band, focusedId]);

  const move = (id: string, dx: number, dy: number, persist: boolean) => {
    setLayout((old) => {
      const next = { ...old, [id]: { dx, dy } };
      if (persist) saveLayout(next);
      return next;
    });
  };
  const onPointerDown = (node: GraphNode) => (e: PointerEvent<SVGGElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { id: node.id, startX: e.clientX, startY: e.clientY, base: layout[node.id] ?? { dx: 0, dy: 0 } };
  };
  const onPointerMove = (e: PointerEvent<SVGGElement>) => {
    const d = drag.current;
    if (d === null) return;
    move(d.id, d.base.dx + e.clientX - d.startX, d.base.dy + e.clientY - d.startY, false);
  };
  const onPointerUp = (node: GraphNode) => (e: PointerEvent<SVGGElement>) => {
    const d = drag.current;
    drag.current = null;
    if (d === null) return;
    const moved = Math.abs(e.clientX - d.startX) + Math.abs(e.clientY - d.startY) > 3;
    if (moved) move(d.id, d.base.dx + e.clientX - d.startX, d.base.dy + e.clientY - d.startY, true);
    else if (node.kind === "service") onToggleService(node.label, node.collapsed !== true);
  };
  const onKeyDown = (node: GraphNode) => (e: KeyboardEvent<SVGGElement>) => {
    const step = e.shiftKey ? KEY_STEP_PX * 5 : KEY_STEP_PX;
    const base = layout[node.id] ?? { dx: 0, dy: 0 };
    const delta = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
    if (delta !== undefined) {
      e.preventDefault();
      move(node.id, base.dx + (delta[0] ?? 0), base.dy + (delta[1] ?? 0), true);
    } else if ((e.key === "Enter" || e.key === " ") && node.kind === "service") {
      e.preventDefault();
      onToggleService(node.label, node.collapsed !== true);
    }
  };
  const resetLayout = () => {
    setLayout({});
    saveLayout({});
  };

  return (
    <figure className="graph panel" aria-label="Topology graph">
      <figcaption className="graph-caption">
        <span>VIPs → directors → virtual services → real servers; edge width is live connections. Drag a node (or focus it and use the arrow keys) to move it; Enter on a service folds its real servers.</span>
        <button type="button" onClick={resetLayout} disabled={Object.keys(layout).length === 0}>
          Reset layout
        </button>
      </figcaption>
      <div className="graph-scroll" ref={scroller} data-testid="graph-scroll" data-culled={String(culled)}>
        <svg width={graph.width} height={graph.height} className="graph-svg" role="group" aria-label="VIPs, directors, virtual services and real servers">
          <g aria-hidden="true">
            {drawn.edges.map((edge) => {
              const a = byId.get(edge.from);
              const b = byId.get(edge.to);
              if (a === undefined || b === undefined) return null;
              const x1 = a.x + NODE_WIDTH[a.column];
              const y1 = a.y + NODE_HEIGHT / 2;
              const x2 = b.x;
              const y2 = b.y + NODE_HEIGHT / 2;
              const mid = (x1 + x2) / 2;
              return (
                <path
                  key={`${edge.from}>${edge.to}`}
                  d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`}
                  className={`edge${edge.standby ? " edge-standby" : ""}${a.match && b.match ? "" : " dim"}`}
                  strokeWidth={edgeWidth(edge.connections, maxConns)}
                />
              );
            })}
          </g>
          {drawn.nodes.map((node) => {
            const words = statusWords[node.status];
            const name = `${node.kind === "rs-group" ? "" : `${node.kind.replace("-", " ")} `}${node.label}: ${node.detail}${words === undefined ? "" : `, ${words}`}`;
            return (
              <g
                key={node.id}
                className={`node node-${node.kind} status-${node.status}${node.match ? "" : " dim"}`}
                transform={`translate(${node.x},${node.y})`}
                tabIndex={0}
                role={node.kind === "service" ? "button" : "img"}
                aria-label={name}
                {...(node.kind === "service" && { "aria-expanded": node.collapsed !== true })}
                data-testid="graph-node"
                data-node={node.id}
                data-status={node.status}
                onPointerDown={onPointerDown(node)}
                onPointerMove={onPointerMove}
                onPointerUp={onPointerUp(node)}
                onKeyDown={onKeyDown(node)}
                onFocus={() => setFocusedId(node.id)}
                onBlur={() => setFocusedId((id) => (id === node.id ? null : id))}
              >
                <rect width={NODE_WIDTH[node.column]} height={NODE_HEIGHT} rx={5} />
                <text x={8} y={17} className="node-label">
                  {node.kind === "service" ? (node.collapsed === true ? "▸ " : "▾ ") : ""}
                  {node.label}
                </text>
                <text x={NODE_WIDTH[node.column] - 6} y={17} className="node-detail" textAnchor="end">
                  {words !== undefined && node.kind === "real-server" ? words.split(" ")[0] : node.detail.split(" · ")[0]}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
    </figure>
  );
}
