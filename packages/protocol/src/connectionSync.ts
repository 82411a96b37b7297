import { z } from "zod";

const count = z.number().int().nonnegative();

/**
 * One IPVS connection sync daemon as `ipvsadm -L --daemon` lists it: `master sync daemon (mcast=eth0,
 * syncid=1, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)`. A MASTER's daemon sends its new and
 * changed connections; a BACKUP's daemon receives them into its own table, so the clients survive a failover.
 */
export const syncDaemonSchema = z.object({
  role: z.enum(["master", "backup"]),
  /** The interface it sends or listens on (`mcast=`). */
  interface: z.string().min(1).max(64),
  /** A BACKUP's daemon takes only messages with its own sync id (0-255). */
  syncId: z.number().int().min(0).max(255),
  maxlen: count.nullable(),
  /** Multicast group, port and TTL (shown by ipvsadm 1.28+ on kernels 4.3+); null when not printed. */
  group: z.string().max(64).nullable(),
  port: z.number().int().min(0).max(65535).nullable(),
  ttl: z.number().int().min(0).max(255).nullable(),
});
export type SyncDaemon = z.infer<typeof syncDaemonSchema>;

/** What one director reports of connection sync. */
export const connectionSyncSchema = z.object({
  /** The sync daemons running; [] for none; null when the agent cannot ask (no ipvsadm, or its listing failed). */
  daemons: z.array(syncDaemonSchema).max(2).nullable(),
  /**
   * Connection entries (templates apart) in `/proc/net/ip_vs_conn_sync` by origin: `local` ones the
   * director made itself, `synced` ones a sync daemon brought. Null when not counted (no /proc source).
   */
  entries: z.object({ local: count, synced: count, countedAt: z.number() }).nullable(),
});
export type ConnectionSync = z.infer<typeof connectionSyncSchema>;
