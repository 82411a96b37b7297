import { z } from "zod";
import { realServerKeySchema, serviceKeySchema } from "./ids";
import { vrrpStateSchema, weightSchema } from "./model";

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
  healthEventSchema,
  weightEventSchema,
  keepalivedEventSchema,
  simFaultEventSchema,
]);
export type AgentEvent = z.infer<typeof agentEventSchema>;
export type VrrpTransitionEvent = z.infer<typeof vrrpTransitionEventSchema>;
