import { describe, expect, it } from "vitest";
import type { ProbeRecords, TransitionEvent } from "../bench/browserProbe";
import { figuresOf, quantiles, summarize } from "../bench/failoverFigures";

const t0 = 1_764_000_000_000;
const transition = { kind: "takeover" as const, director: "d2", actionAt: t0, stampAt: t0 + 612 };
const event = (at: number, keepalivedAt?: number): TransitionEvent => ({
  director: "d2",
  observedAt: at + 1,
  receivedAt: at + 2,
  event: { kind: "vrrp-transition", to: "MASTER", at, ...(keepalivedAt !== undefined && { keepalivedAt }) },
});
const seen = (over: Partial<ProbeRecords> = {}): ProbeRecords => ({
  topology: [{ at: t0 - 5_000, masters: "d1,d2" }, { at: t0 + 100, masters: "" }, { at: t0 + 680, masters: "d2" }],
  wall: [{ at: t0 + 100, masters: "" }, { at: t0 + 650, masters: "d2" }],
  frames: [{ at: t0 + 630, id: "d2", master: true, receivedAt: t0 + 625 }],
  polls: [{ at: t0 + 3_000, masters: "d2" }],
  ...over,
});

describe("failover figures", () => {
  it("takes nearest-rank percentiles over the values seen", () => {
    const values = [...Array.from({ length: 20 }, (_, i) => (i + 1) * 10), null];
    expect(quantiles(values)).toEqual({ n: 20, p50: 100, p95: 190, max: 200 });
    expect(quantiles([null])).toEqual({ n: 0, p50: null, p95: null, max: null });
  });

  it("counts from the earlier of the bench's stamp and the agent's read, and ignores what was shown before the action", () => {
    const figures = figuresOf(transition, seen(), [event(t0 + 610, t0 + 609.6)]);
    expect(figures).toEqual({
      kind: "takeover",
      electionMs: 610,
      stampLateMs: 2,
      keepalivedToFifoMs: 0,
      agentMs: 0,
      hubEventMs: 2,
      hubMs: 15,
      socketMs: 20,
      topologyMs: 70,
      wallMs: 40,
      pollMs: 2_390,
    });
  });

  it("leaves a transition no page showed as missed, and the goal unmet", () => {
    const figures = figuresOf(transition, seen({ topology: [{ at: t0 + 100, masters: "" }] }), []);
    expect(figures.topologyMs).toBeNull();
    expect(figures.agentMs).toBeNull();
    expect(summarize([figures])).toMatchObject({ missed: 1, pass: false });
  });
});
