import type { Logger } from "@lvsdeck/log";

/** Parse errors kept in one log record; the rest are only counted. */
const LOGGED_ERRORS_PER_READ = 3;

/** A line a parser could not read, or an inconsistency between listings. */
export interface ReportedIssue {
  message: string;
  line?: number;
  text?: string;
}

/** Counts parse errors and logs a few per read: an unreadable line is visible but never fatal. */
export interface ParseErrorLog {
  report(what: string, issues: readonly ReportedIssue[]): void;
  count(): number;
}

/** Creates a counting parse-error log. */
export function createParseErrorLog(log: Logger): ParseErrorLog {
  let total = 0;
  return {
    report(what, issues) {
      if (issues.length === 0) return;
      total += issues.length;
      log.warn(`could not read all of ${what}`, { errors: issues.length, totalParseErrors: total, first: issues.slice(0, LOGGED_ERRORS_PER_READ) });
    },
    count: () => total,
  };
}
