import type { IpvsScheduler, SchedulerDest } from "./schedulerTypes";

// The kernel walks a circular list with a head sentinel; index -1 plays the head here.
const HEAD = -1;

/** `ip_vs_rr`: next available destination after the last one used, skipping weight 0 and overloaded. */
export function createRoundRobinScheduler(): IpvsScheduler {
  let last = HEAD;
  return {
    name: "rr",
    schedule(dests) {
      const start = last;
      // Two passes at most, as the kernel does, so a vanished cursor cannot loop forever.
      for (let pass = 0; pass < 2; pass++) {
        for (let i = (pass === 0 ? start : HEAD) + 1; i < dests.length; i++) {
          const d = dests[i];
          if (d && !d.overloaded && d.weight > 0) {
            last = i;
            return i;
          }
          if (pass === 1 && i === start) return null;
        }
        if (start === HEAD) return null;
      }
      return null;
    },
    update(dests) {
      if (last >= dests.length) last = HEAD;
    },
  };
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** `ip_vs_wrr_gcd_weight`: gcd of the positive weights, 1 when there are none. */
export function gcdWeight(dests: readonly SchedulerDest[]): number {
  let g = 0;
  for (const d of dests) if (d.weight > 0) g = g === 0 ? d.weight : gcd(d.weight, g);
  return g === 0 ? 1 : g;
}

/** `ip_vs_wrr`: the kernel's interleaved weighted round robin (current weight stepping down by the gcd). */
export function createWeightedRoundRobinScheduler(): IpvsScheduler {
  let cl = HEAD; // last destination used
  let cw = 0; // current weight
  let mw = 0; // max weight minus (gcd - 1)
  let di = 1; // gcd of weights
  const recompute = (dests: readonly SchedulerDest[], initial: boolean): void => {
    cl = HEAD;
    di = gcdWeight(dests);
    mw = Math.max(0, ...dests.map((d) => d.weight)) - (di - 1);
    if (initial || cw > mw || cw === 0) cw = mw;
    else if (di > 1) cw = Math.floor(cw / di) * di + 1;
  };
  let initialised = false;
  return {
    name: "wrr",
    schedule(dests) {
      if (!initialised) {
        recompute(dests, true);
        initialised = true;
      }
      if (mw <= 0) return null;
      const last = cl;
      let cursor = cl;
      let stop: number | null = null;
      let lastPass = false;
      let restarted = false;
      for (;;) {
        for (let i = cursor + 1; i < dests.length; i++) {
          const d = dests[i];
          if (d && !d.overloaded && d.weight >= cw) {
            cl = i;
            return i;
          }
          if (i === stop) return null;
        }
        cursor = HEAD;
        cw -= di;
        if (cw <= 0) {
          cw = mw;
          // Every destination was already tried at weight >= 1: nothing is available.
          if (lastPass || last === HEAD) return null;
          restarted = true;
        }
        lastPass = cw <= di;
        if (lastPass && restarted && last !== HEAD) stop = last;
      }
    },
    update(dests) {
      recompute(dests, !initialised);
      initialised = true;
    },
  };
}
