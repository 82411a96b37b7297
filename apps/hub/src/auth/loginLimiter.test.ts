import { describe, expect, it } from "vitest";
import { LOGIN_WINDOW_MS, MAX_LOGIN_FAILURES, MAX_UNKNOWN_PLACE_FAILURES, createHashGate, createLoginLimiter } from "./loginLimiter";

describe("login limiter", () => {
  it("counts an attempt when it is admitted, so parallel attempts see each other", () => {
    let t = 0;
    const limiter = createLoginLimiter(() => t);
    const admitted = Array.from({ length: 8 }, () => limiter.admit("a", "u", false)).filter((a) => a.ok);
    expect(admitted).toHaveLength(MAX_LOGIN_FAILURES);
    t += LOGIN_WINDOW_MS + 1;
    expect(limiter.admit("a", "u", false).ok).toBe(true);
  });

  it("gives back only the successful attempt's own count", () => {
    const limiter = createLoginLimiter(() => 0);
    for (let i = 0; i < 4; i++) {
      const a = limiter.admit("a", "x", false);
      if (a.ok) limiter.settle(a.ticket, "failed");
    }
    const ok = limiter.admit("a", "y", false);
    if (ok.ok) limiter.settle(ok.ticket, "ok");
    const fifth = limiter.admit("a", "x", false);
    expect(fifth.ok).toBe(true);
    if (fifth.ok) limiter.settle(fifth.ticket, "failed");
    expect(limiter.admit("a", "x", false).ok).toBe(false);
  });

  it("slows a user's attempts from unknown places only", () => {
    const limiter = createLoginLimiter(() => 0);
    for (let i = 0; i < MAX_UNKNOWN_PLACE_FAILURES; i++) {
      const a = limiter.admit(`10.0.0.${i}`, "ada", false);
      if (a.ok) limiter.settle(a.ticket, "failed");
    }
    const elsewhere = limiter.admit("10.0.1.1", "ada", false);
    expect(elsewhere.ok).toBe(false);
    if (!elsewhere.ok) expect(elsewhere.reason).toContain("ada");
    expect(limiter.admit("192.0.2.1", "ada", true).ok).toBe(true);
  });
});

describe("hash gate", () => {
  it("runs at most N at once, refuses beyond the queue, and serves known places first", async () => {
    const gate = createHashGate(1, 1);
    const order: string[] = [];
    let release!: () => void;
    const first = gate.run(() => new Promise<string>((r) => (release = () => r("first"))), false);
    const queued = gate.run(async () => (order.push("normal"), "normal"), false);
    const busy = await gate.run(async () => "never", false);
    expect(busy).toBe("busy");
    const urgent = gate.run(async () => (order.push("known"), "known"), true);
    expect(gate.stats()).toEqual({ running: 1, queued: 2 });
    release();
    expect(await Promise.all([first, queued, urgent])).toEqual(["first", "normal", "known"]);
    expect(order).toEqual(["known", "normal"]);
    expect(gate.stats()).toEqual({ running: 0, queued: 0 });
  });
});
