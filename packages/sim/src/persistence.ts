import { maskAddress } from "./addresses";
import type { SimRealServer, SimService } from "./ipvsTable";

/** A persistence template (`ip_vs_conn` with IP_VS_CONN_F_TEMPLATE): masked client -> real server. */
export interface PersistenceTemplate {
  readonly service: SimService;
  readonly dest: SimRealServer;
  readonly client: string;
  expiresAt: number;
  /** Connections this template controls; while any live, the template cannot expire (n_control). */
  controlled: number;
}

/** Bound on templates, a guard against unbounded memory rather than a kernel limit. */
export const MAX_TEMPLATES = 10_000;

/** The persistence templates of one director. */
export interface TemplateTable {
  /** The live template for a client of a persistent service, refreshed by this use, or null. */
  lookup(service: SimService, client: string, now: number): PersistenceTemplate | null;
  /** Records the server a new persistent client was scheduled to; null when the table is full. */
  create(service: SimService, dest: SimRealServer, client: string, now: number): PersistenceTemplate | null;
  /** Drops templates whose timeout passed and which control no connection. */
  expire(now: number): void;
  /** Drops templates matching the predicate at once (the VIP left this director). */
  drop(predicate: (t: PersistenceTemplate) => boolean): void;
  all(): Iterable<PersistenceTemplate>;
}

function keyOf(service: SimService, client: string): string {
  return `${service.key}|${maskAddress(client, service.config.persistence?.netmask ?? null)}`;
}

/** Creates an empty template table. */
export function createTemplateTable(): TemplateTable {
  const templates = new Map<string, PersistenceTemplate>();
  const remove = (key: string, t: PersistenceTemplate): void => {
    templates.delete(key);
    t.dest.persistConns--;
  };
  const timeoutMs = (service: SimService): number => (service.config.persistence?.timeoutSec ?? 0) * 1000;
  return {
    lookup(service, client, now) {
      const key = keyOf(service, client);
      const t = templates.get(key);
      if (t && t.expiresAt <= now && t.controlled === 0) {
        remove(key, t);
        return null;
      }
      // Only a server removed from the service invalidates a template; a weight-0 (quiesced) server
      // keeps its persistent clients because expire_quiescent_template defaults to 0.
      if (!t || !service.realServers.includes(t.dest) || !t.dest.inKernel) return null;
      t.expiresAt = Math.max(t.expiresAt, now + timeoutMs(service));
      return t;
    },
    create(service, dest, client, now) {
      if (templates.size >= MAX_TEMPLATES) return null;
      const masked = maskAddress(client, service.config.persistence?.netmask ?? null);
      const t: PersistenceTemplate = { service, dest, client: masked, expiresAt: now + timeoutMs(service), controlled: 0 };
      templates.set(keyOf(service, client), t);
      dest.persistConns++;
      return t;
    },
    expire(now) {
      for (const [key, t] of templates) {
        if (t.expiresAt > now) continue;
        // The kernel re-arms a template that still controls connections instead of freeing it.
        if (t.controlled > 0) t.expiresAt = now + timeoutMs(t.service);
        else remove(key, t);
      }
    },
    drop(predicate) {
      for (const [key, t] of templates) if (predicate(t)) remove(key, t);
    },
    all: () => templates.values(),
  };
}
