import { vrrpInstanceSchema } from "@lvsdeck/protocol";
import type { SyncGroup, VrrpCounters, VrrpInstance, VrrpState } from "@lvsdeck/protocol";
import { fail, ok } from "./result";
import type { DumpError, ParseResult } from "./result";

/** keepalived's per-instance counters from the SIGJSON dump (`stats`): the protocol's VrrpCounters. */
export type VrrpStats = VrrpCounters;

/** What a dump says about an instance beyond the protocol's VrrpInstance; never holds auth data. */
export interface VrrpInstanceDetails {
  readonly name: string;
  readonly wantState: VrrpState;
  /** Whether the VIPs are installed here: the split-brain signal when two directors both say yes. */
  readonly vipsInstalled: boolean;
  readonly vrrpVersion: number | null;
}

/** The VRRP view of one director as read from a keepalived dump. */
export interface KeepalivedVrrpView {
  readonly instances: VrrpInstance[];
  readonly syncGroups: SyncGroup[];
  readonly details: VrrpInstanceDetails[];
}

/** Seconds since the epoch (keepalived's `%f`) to whole milliseconds; 0 means "never". */
export function epochSecondsToMs(seconds: number | null): number | null {
  return seconds === null || seconds <= 0 ? null : Math.round(seconds * 1000);
}

/** Checks a built instance against the protocol schema so nothing malformed leaves the parser. */
export function checkInstance(candidate: VrrpInstance): ParseResult<VrrpInstance, DumpError> {
  const parsed = vrrpInstanceSchema.safeParse(candidate);
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  const where = issue ? `${issue.path.join(".")}: ${issue.message}` : "does not match the protocol";
  return fail({ kind: "invalid", message: `instance "${candidate.name}": ${where}` });
}
