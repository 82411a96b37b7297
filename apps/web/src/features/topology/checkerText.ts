import type { CheckerProcess, RealServer, VirtualService } from "@lvsdeck/protocol";
import { formatClock } from "../../lib/time";

/** The health cell's words: keepalived's removals are said, never left to an absent row. */
export function healthText(rs: Pick<RealServer, "health" | "inKernel">): string {
  if (rs.inKernel !== false) return rs.health;
  return rs.health === "down" ? "down — removed by its checker" : `${rs.health} — not in the kernel table`;
}

/** The health cell's tooltip: checker types, failed checkers, last change, when keepalived said. */
export function checkerTitle(rs: Pick<RealServer, "checker" | "inKernel">): string | undefined {
  const c = rs.checker;
  if (c === undefined) return undefined;
  const parts = [
    c.types.length > 0 ? c.types.join(", ") : "checker type unknown",
    c.alive ? "alive" : "failed",
    ...(c.failedCheckers !== null && c.failedCheckers > 0 ? [`${c.failedCheckers} failed checker${c.failedCheckers === 1 ? "" : "s"}`] : []),
    ...(c.lastChangeAt !== null ? [`changed ${formatClock(c.lastChangeAt)}`] : []),
    ...(rs.inKernel === false ? ["not in the kernel table: takes no connections"] : []),
  ];
  return parts.join(" · ");
}

/** The service's quorum and sorry server line, or null when keepalived said nothing worth showing. */
export function quorumText(checker: VirtualService["checker"]): string | null {
  if (checker === undefined) return null;
  const parts: string[] = [];
  if (checker.quorumUp === false) parts.push(`quorum lost${checker.quorum !== null ? ` (needs ${checker.quorum})` : ""}`);
  if (checker.sorryServer !== null && checker.sorryServerInUse) parts.push(`sorry server ${checker.sorryServer} in use`);
  return parts.length === 0 ? null : parts.join(" · ");
}

/** The checker process line of a director card, or null when it is running and answering. */
export function checkerProcessText(checker: CheckerProcess | undefined): string | null {
  if (checker === undefined) return null;
  if (!checker.running) return "not running";
  if (!checker.silent) return null;
  return `silent: no dump answered${checker.lastDumpAt === null ? "" : ` since ${formatClock(checker.lastDumpAt)}`}`;
}
