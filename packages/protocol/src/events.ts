import { z } from "zod";
import { realServerKeySchema, serviceKeySchema } from "./ids";
import { vrrpStateSchema, weightSchema } from "./model";

/** Most lines of evidence stored with a transition's cause. */
export const MAX_CAUSE_EVIDENCE = 12;

/** The kinds of reason a transition can have, as the hub reads them from the directors' evidence. */
export const transitionCauseKinds = [
  "track", // a tracked script, interface or file moved this director's priority or held it in FAULT
  "peer-track", // the same, on the director it took over from or yielded to
  "priority-zero", // the MASTER resigned with a priority-0 advert (keepalived stopping, or going FAULT)
  "preemption", // a higher-priority director took over (or this one did, from a lower one)
  "no-adverts", // the MASTER's adverts stopped: down timer expired
  "election", // no MASTER was heard at all (the first election after keepalived starts): down timer expired
  "keepalived", // keepalived started or stopped here
  "unknown", // the evidence does not say; shown as unknown, never guessed
] as const;

/** Why a VRRP transition happened: one line for the timeline, and the evidence it was read from. */
export const transitionCauseSchema = z.object({
  kind: z.enum(transitionCauseKinds),
  text: z.string().max(300),
  /** What changed around the transition, e.g. `chk_nginx GOOD → BAD`, `pri_zero_rcvd 0 → 1`. */
  evidence: z.array(z.string().max(200)).max(MAX_CAUSE_EVIDENCE),
});
export type TransitionCause = z.infer<typeof transitionCauseSchema>;

/** A VRRP instance changed state; `at` is keepalived's own timestamp when it has one. */
export const vrrpTransitionEventSchema = z.object({
  kind: z.literal("vrrp-transition"),
  instance: z.string(),
  vrid: z.number().int().min(1).max(255),
  from: vrrpStateSchema,
  to: vrrpStateSchema,
  priority: z.number().int().min(0).max(255).nullable(),
  /** When the agent (or the simulation) saw it: for keepalived, the moment its FIFO line arrived. */
  at: z.number(),
  /**
   * keepalived's own time of the transition (its `last_transition`, epoch ms). keepalived 2.2.7's FIFO
   * lines carry no time, so the hub adds this when the director's next snapshot brings it from the
   * JSON dump; absent until then, or when keepalived stopped before dumping.
   */
  keepalivedAt: z.number().optional(),
  /** Why, added by the hub from the evidence around the transition; never taken from an agent. */
  cause: transitionCauseSchema.optional(),
});

/**
 * A VRRP instance's priority moved without a transition (keepalived's MASTER_PRIORITY / BACKUP_PRIORITY
 * lines, written with `notify_priority_changes`), or, as MASTER, it heard a lower-priority advert
 * (MASTER_RX_LOWER_PRI): another director also claims MASTER.
 */
export const vrrpPriorityEventSchema = z.object({
  kind: z.literal("vrrp-priority"),
  instance: z.string(),
  vrid: z.number().int().min(1).max(255),
  change: z.enum(["changed", "lower-advert-heard"]),
  /** The priority before, when the agent knew it (only for `changed`). */
  from: z.number().int().min(0).max(255).nullable(),
  /** The priority keepalived wrote on the line. */
  to: z.number().int().min(0).max(255),
  at: z.number(),
});

/** A health checker marked a real server up or down. */
export const healthEventSchema = z.object({
  kind: z.literal("health"),
  service: serviceKeySchema,
  realServer: realServerKeySchema,
  up: z.boolean(),
  at: z.number(),
});

/** A real server's weight changed (by an operator command, a health check or the configuration). */
export const weightEventSchema = z.object({
  kind: z.literal("weight"),
  service: serviceKeySchema,
  realServer: realServerKeySchema,
  from: weightSchema,
  to: weightSchema,
  cause: z.enum(["operator", "health-check", "config"]),
  commandId: z.string().nullable(),
  /** Who asked for an operator's change: filled in by the hub from its own record, never taken from an agent. */
  actor: z.string().max(200).optional(),
  at: z.number(),
});

/** keepalived started or stopped on the director. */
export const keepalivedEventSchema = z.object({
  kind: z.literal("keepalived"),
  running: z.boolean(),
  detail: z.string(),
  at: z.number(),
});

/** A fault was injected into a simulated director (demo and tests only). */
export const simFaultEventSchema = z.object({
  kind: z.literal("sim-fault"),
  fault: z.string(),
  detail: z.string(),
  at: z.number(),
});

/** Anything an agent reports as it happens. */
export const agentEventSchema = z.discriminatedUnion("kind", [
  vrrpTransitionEventSchema,
  vrrpPriorityEventSchema,
  healthEventSchema,
  weightEventSchema,
  keepalivedEventSchema,
  simFaultEventSchema,
]);
export type AgentEvent = z.infer<typeof agentEventSchema>;
export type VrrpTransitionEvent = z.infer<typeof vrrpTransitionEventSchema>;
export type VrrpPriorityEvent = z.infer<typeof vrrpPriorityEventSchema>;
