import { describe, expect, it } from "vitest";
import type { RealServerKey, ServiceKey, WeightChange } from "@lvsdeck/protocol";
import { ApiRequestError } from "../../api/http";
import { DRAFT_HOLD_MS, RESEND_DELAYS_MS, displayedWeight, draftAfter, sendUntilAnswered, stateAfterFailure, type WeightIntent } from "./weightRequest";
import { sliderMax } from "./WeightControl";

const set: WeightIntent = { action: "set", weight: 7, expected: 2 };
const drain: WeightIntent = { action: "drain", weight: 0, expected: null };
const change = (state: WeightChange["state"]): WeightChange => ({
  id: "c1",
  service: "TCP 192.0.2.10:443" as ServiceKey,
  realServer: "192.0.2.11:443" as RealServerKey,
  weight: 7,
  requestedAt: 0,
  state,
  results: [],
});

describe("displayedWeight", () => {
  it("shows the draft while dragging or waiting for the hub", () => {
    expect(displayedWeight({ weight: 7, base: 2, settledAt: null }, 2, 0)).toBe(7);
  });

  it("keeps an applied value briefly until the director's table shows it", () => {
    expect(displayedWeight({ weight: 7, base: 2, settledAt: 1000 }, 2, 1000 + DRAFT_HOLD_MS - 1)).toBe(7);
    expect(displayedWeight({ weight: 7, base: 2, settledAt: 1000 }, 2, 1000 + DRAFT_HOLD_MS)).toBe(2);
  });

  it("follows the table as soon as it changes, so nothing optimistic sticks", () => {
    expect(displayedWeight({ weight: 7, base: 2, settledAt: 1000 }, 3, 1001)).toBe(3);
    expect(displayedWeight(null, 2, 0)).toBe(2);
  });
});

describe("stateAfterFailure (the hub's 409s)", () => {
  it("turns weight-changed into a conflict carrying the weight now in effect", () => {
    const err = new ApiRequestError("someone changed it", 409, undefined, { code: "weight-changed", currentWeight: 5 });
    expect(stateAfterFailure(set, err)).toEqual({ kind: "conflict", intent: set, currentWeight: 5 });
  });

  it("turns needs-force into a question with the hub's reason", () => {
    const err = new ApiRequestError("last healthy real server; send force with a reason to do it anyway", 409, undefined, { code: "needs-force", currentWeight: 1 });
    expect(stateAfterFailure(drain, err)).toEqual({ kind: "needs-force", intent: drain, message: err.message });
  });

  it("shows anything else as a plain refusal with the hub's message", () => {
    expect(stateAfterFailure(set, new ApiRequestError("role viewer may not do this", 403))).toEqual({ kind: "error", intent: set, message: "role viewer may not do this" });
    expect(stateAfterFailure(set, new ApiRequestError("odd", 409))).toMatchObject({ kind: "error" });
    expect(stateAfterFailure(set, new Error("hub unreachable"))).toMatchObject({ kind: "error", message: "hub unreachable" });
  });
});

describe("sendUntilAnswered (one request id, sent again for want of an answer)", () => {
  const noAnswer = () => new ApiRequestError("hub unreachable: Failed to fetch", null);
  const inProgress = () => new ApiRequestError("request id r1 is being applied by another hub", 409, undefined, { code: "request-in-progress" });
  /** A send that fails with each of `failures` in turn, then answers; and the waits asked for between. */
  const scripted = (failures: ApiRequestError[]) => {
    const waits: number[] = [];
    let sends = 0;
    const send = async () => {
      const failure = failures[sends++];
      if (failure !== undefined) throw failure;
      return change("applied");
    };
    return { send, wait: async (ms: number) => void waits.push(ms), waits, sends: () => sends };
  };

  it("sends again when no answer came, or another hub is still applying it, and returns the answer", async () => {
    const s = scripted([noAnswer(), inProgress(), new ApiRequestError("HTTP 502 Bad Gateway", 502)]);
    await expect(sendUntilAnswered(s.send, s.wait)).resolves.toMatchObject({ state: "applied" });
    expect(s.sends()).toBe(4);
    expect(s.waits).toEqual(RESEND_DELAYS_MS.slice(0, 3));
  });

  it("does not send again what the hub answered: a conflict, a refusal, a bad request", async () => {
    for (const answer of [
      new ApiRequestError("weight changed", 409, undefined, { code: "weight-changed", currentWeight: 3 }),
      new ApiRequestError("last healthy server", 409, undefined, { code: "needs-force" }),
      new ApiRequestError("weight out of range", 400),
      new ApiRequestError("internal error", 500),
    ]) {
      const s = scripted([answer]);
      await expect(sendUntilAnswered(s.send, s.wait)).rejects.toBe(answer);
      expect(s.sends()).toBe(1);
    }
  });

  it("gives up after its waits and says the change may or may not have been made", async () => {
    const s = scripted(Array.from({ length: RESEND_DELAYS_MS.length + 1 }, noAnswer));
    const err = await sendUntilAnswered(s.send, s.wait).catch((e: unknown) => e);
    expect(s.sends()).toBe(RESEND_DELAYS_MS.length + 1);
    expect(stateAfterFailure(set, err)).toMatchObject({ kind: "error", message: expect.stringContaining("may or may not have been made") });
  });
});

describe("draftAfter", () => {
  const dragging = { weight: 7, base: 2, settledAt: null };

  it("holds an applied weight and drops a failed or partial one", () => {
    expect(draftAfter(dragging, { kind: "answered", change: change("applied") }, 50)).toEqual({ weight: 7, base: 2, settledAt: 50 });
    expect(draftAfter(dragging, { kind: "answered", change: change("partial") }, 50)).toBeNull();
    expect(draftAfter(dragging, { kind: "error", intent: set, message: "no" }, 50)).toBeNull();
  });

  it("moves the slider to the weight now in effect after a conflict, until the table shows it", () => {
    const draft = draftAfter(dragging, { kind: "conflict", intent: set, currentWeight: 5 }, 50);
    expect(displayedWeight(draft, 2, 60)).toBe(5);
    expect(displayedWeight(draft, 5, 60)).toBe(5);
    expect(displayedWeight(draft, 2, 50 + DRAFT_HOLD_MS)).toBe(2);
  });

  it("keeps the chosen value on screen while the hub asks for force", () => {
    expect(draftAfter(dragging, { kind: "needs-force", intent: set, message: "unsafe" }, 50)).toBe(dragging);
  });
});

describe("sliderMax", () => {
  it("reaches 4× the weight, at least 10, and past the shown value", () => {
    expect(sliderMax(2, 2)).toBe(10);
    expect(sliderMax(50, 50)).toBe(200);
    expect(sliderMax(2, 25)).toBe(25);
    expect(sliderMax(60000, 60000)).toBe(65535);
  });
});
