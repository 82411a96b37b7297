import type { AgentEvent, Health, VirtualService, WeightSource } from "@lvsdeck/protocol";
import { groupVerdicts, healthKey } from "./parts";

/**
 * Remembers the weights operators set and the weights last seen, to say where each weight came from
 * (`operator`, `health-check` for an inhibited server at 0, else `config`) and to report weight
 * changes nobody asked the agent for.
 */
export interface WeightBook {
  recordOperator(service: string, realServer: string, weight: number): void;
  /** Fills weightSource/health/weightMode and returns the weight changes seen since the last call. */
  annotate(services: VirtualService[], health: ReadonlyMap<string, Health>, keepalivedManaged: ReadonlySet<string> | null, now: number): { services: VirtualService[]; events: AgentEvent[] };
}

/** Creates an empty weight book. */
export function createWeightBook(): WeightBook {
  const operator = new Map<string, number>();
  const lastSeen = new Map<string, number>();
  const sourceOf = (key: string, weight: number, health: Health): WeightSource => {
    if (health === "down" && weight === 0) return "health-check";
    const set = operator.get(key);
    if (set === weight) return "operator";
    // Someone else (keepalived restoring its config weight, another tool) changed it since.
    if (set !== undefined) operator.delete(key);
    return "config";
  };
  return {
    recordOperator(service, realServer, weight) {
      const key = healthKey(service, realServer);
      operator.set(key, weight);
      lastSeen.set(key, weight);
    },
    annotate(services, health, managed, now) {
      const events: AgentEvent[] = [];
      const seen = new Set<string>();
      const byGroup = groupVerdicts(health);
      const annotated = services.map((service) => ({
        ...service,
        realServers: service.realServers.map((rs) => {
          const key = healthKey(service.key, rs.key);
          const h = health.get(key) ?? byGroup.get(rs.key) ?? rs.health;
          const weightSource = sourceOf(key, rs.weight, h);
          const before = lastSeen.get(key);
          if (before !== undefined && before !== rs.weight) {
            const cause = weightSource === "operator" ? "config" : weightSource;
            events.push({ kind: "weight", service: service.key, realServer: rs.key, from: before, to: rs.weight, cause, commandId: null, at: now });
          }
          lastSeen.set(key, rs.weight);
          seen.add(key);
          return { ...rs, health: h, weightSource, weightMode: managed?.has(key) === true ? ("keepalived" as const) : ("runtime" as const) };
        }),
      }));
      // Real servers that left the table are forgotten, so the book never outgrows the table.
      for (const key of lastSeen.keys()) if (!seen.has(key)) lastSeen.delete(key);
      for (const key of operator.keys()) if (!seen.has(key)) operator.delete(key);
      return { services: annotated, events };
    },
  };
}
