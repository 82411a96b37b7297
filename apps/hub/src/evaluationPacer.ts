/**
 * When the hub judges its rules again after changes of presence, staleness or state. A failover changes
 * two or three directors within tens of milliseconds, and a wall shows the new MASTER only once it has
 * been judged (its groups come with the verdicts), so a few changes in a row are each judged at once. A
 * storm beyond that burst is judged at most once per `gapMs`, so it costs a bounded number of
 * evaluations, each of which writes to every browser. Every evaluation, the periodic one too, spends
 * from one budget of `burst`, which refills by one every `gapMs`.
 */
export interface EvaluationPacer {
  /** Something changed: evaluates at once if the budget allows, otherwise as soon as it does. Changes meanwhile share that evaluation. */
  soon(): void;
  /** Evaluates now (the periodic evaluation), in place of any that was waiting. */
  now(): void;
  /** Cancels a waiting evaluation. */
  stop(): void;
}

export function createEvaluationPacer(options: { burst: number; gapMs: number; clock: () => number; evaluate: () => void }): EvaluationPacer {
  const { burst, gapMs, clock, evaluate } = options;
  let budget = burst;
  let countedAt = clock();
  let waiting: NodeJS.Timeout | null = null;
  const refill = () => {
    const t = clock();
    // A clock set back refills nothing rather than taking from the budget.
    budget = Math.min(burst, budget + Math.max(0, t - countedAt) / gapMs);
    countedAt = t;
  };
  const stop = () => {
    if (waiting !== null) clearTimeout(waiting);
    waiting = null;
  };
  const run = () => {
    stop();
    refill();
    budget = Math.max(0, budget - 1);
    evaluate();
  };
  return {
    soon() {
      if (waiting !== null) return;
      refill();
      // A timer even when the budget allows, so the changes read in the same turn share one evaluation.
      waiting = setTimeout(run, budget >= 1 ? 0 : (1 - budget) * gapMs);
    },
    now: run,
    stop,
  };
}
