import type { CommandResult } from "@lvsdeck/protocol";

/** Command ids remembered; a hub replays a command only within seconds, so this many is plenty. */
const REMEMBERED_COMMANDS = 1_000;

/** Applies each command id once: a replayed id gets the first run's result (or waits for it) instead of a second run. */
export function createCommandLedger(capacity = REMEMBERED_COMMANDS) {
  const results = new Map<string, Promise<CommandResult>>();
  return {
    run(id: string, apply: () => Promise<CommandResult>): Promise<CommandResult> {
      const seen = results.get(id);
      if (seen) return seen;
      const result = apply();
      results.set(id, result);
      if (results.size > capacity) results.delete(results.keys().next().value as string);
      return result;
    },
  };
}
