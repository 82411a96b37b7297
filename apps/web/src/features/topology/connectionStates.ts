import type { ConnectionStates } from "@lvsdeck/protocol";
import { formatCount } from "../../lib/format";

/**
 * A real server's connection entries by state, busiest first: the first `shown` in `text` (one line)
 * ("ESTABLISHED 20 · TIME_WAIT 12 · SYN_RECV 3"), all of them in `title`; null when it was not counted.
 */
export function stateSummary(states: ConnectionStates | undefined, shown = 2): { text: string; title: string } | null {
  if (states === undefined) return null;
  const entries = Object.entries(states)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (entries.length === 0) return { text: "no entries", title: "no connection entries when counted" };
  const words = entries.map(([state, n]) => `${state} ${formatCount(n)}`);
  const more = entries.length - shown;
  return { text: `${words.slice(0, shown).join(" · ")}${more > 0 ? ` · +${more}` : ""}`, title: `connection entries by state: ${words.join(", ")}` };
}
