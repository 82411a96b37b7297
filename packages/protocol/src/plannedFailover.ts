import { z } from "zod";
import { directorIdSchema } from "./ids";

/**
 * The keepalived `track_file` through which lvsdeck moves VRRP off a director: the agent writes
 * {@link FAILOVER_HOLD_VALUE} into the file to hold the director's instances down, 0 to release them.
 * keepalived.conf on each director declares it and has every instance that may be moved track it:
 *
 *     track_file lvsdeck_failover { file "/run/lvsdeck/failover" weight 1 init_file 0 }
 *     vrrp_instance VI_1 { ... track_file { lvsdeck_failover } }
 */
export const FAILOVER_TRACK_NAME = "lvsdeck_failover";
/**
 * The held value: × weight 1 it lowers the priority to keepalived's floor of 1 without putting the instance
 * in FAULT (keepalived faults below -253), so a BACKUP that preempts takes over and the VIPs move as in any
 * failover, and the held director stays a healthy BACKUP for the way back.
 */
export const FAILOVER_HOLD_VALUE = -253;

/** Asks an agent to hold its instances down through the failover file, or to release them. */
export const failoverHoldCommandSchema = z.object({ kind: z.literal("failover-hold"), hold: z.boolean() });
export type FailoverHoldCommand = z.infer<typeof failoverHoldCommandSchema>;

/** One preflight check: `fail` blocks the switch, `warn` needs the operator's acknowledgement. */
export const preflightCheckSchema = z.object({
  id: z.string(),
  status: z.enum(["ok", "warn", "fail"]),
  text: z.string(),
});
export type PreflightCheck = z.infer<typeof preflightCheckSchema>;

/** `GET /api/failover/preflight?director=`: what moving VRRP off the director would do and break. */
export const preflightResponseSchema = z.object({
  director: directorIdSchema,
  /** The BACKUP expected to take over (highest priority that preempts), when there is one. */
  takeover: directorIdSchema.nullable(),
  /** The VRRP instances on the director that track the failover file: all of them move. */
  instances: z.array(z.string()),
  /** The director is held down now (its failover file reads the held value in keepalived's dump). */
  held: z.boolean(),
  checks: z.array(preflightCheckSchema),
  /** No check fails. */
  ready: z.boolean(),
});
export type PreflightResponse = z.infer<typeof preflightResponseSchema>;

/** `POST /api/failover`: hold a director down (move its MASTER roles away) or release it. */
export const failoverRequestSchema = z.object({
  director: directorIdSchema,
  hold: z.boolean(),
  /** The operator read the warnings of the preflight and goes on anyway. */
  acknowledgeWarnings: z.boolean().default(false),
});
export type FailoverRequest = z.infer<typeof failoverRequestSchema>;

/** The answer to a failover request: what the agent wrote, and the preflight it was judged on. */
export const failoverResponseSchema = z.object({ ok: z.literal(true), detail: z.string(), preflight: preflightResponseSchema });
export type FailoverResponse = z.infer<typeof failoverResponseSchema>;
