import type { SyncOriginCount } from "@lvsdeck/ipvs";
import type { Logger } from "@lvsdeck/log";
import type { ConnectionSync, SyncDaemon } from "@lvsdeck/protocol";

/** Shortest time between two counts of `/proc/net/ip_vs_conn_sync` (ms): a pass over a large table costs what a state count does. */
export const SYNC_COUNT_INTERVAL_MS = 5_000;

/** Options for {@link createSyncReader}. */
export interface SyncReaderOptions {
  /** `ipvsadm -L --daemon`; absent without ipvsadm. */
  daemons?: () => Promise<SyncDaemon[]>;
  /** Entries of `/proc/net/ip_vs_conn_sync` by origin; absent without /proc. */
  origins?: () => Promise<SyncOriginCount>;
  log: Logger;
  now?: () => number;
}

/**
 * Connection sync as one director sees it: the daemons at every read, and its entries by origin counted
 * apart (the first count awaited, later ones in the background), at most every {@link SYNC_COUNT_INTERVAL_MS}, and only while a daemon runs (or it is not known
 * whether one does), so a director without sync never pays for the count. A failed listing reads as
 * unknown (null), never as "no daemon".
 */
export function createSyncReader(options: SyncReaderOptions): { read(): Promise<ConnectionSync | undefined> } {
  const now = options.now ?? Date.now;
  const { daemons, origins, log } = options;
  const failing = { daemons: false, origins: false };
  const note = (what: keyof typeof failing, err: Error | null) => {
    if (err !== null && !failing[what]) log.warn(`cannot read connection sync ${what}; shown as not known`, { error: err.message });
    if (err === null && failing[what]) log.info(`connection sync ${what} readable again`);
    failing[what] = err !== null;
  };
  let entries: ConnectionSync["entries"] = null;
  let counting = false;
  let lastCountAt = -Infinity;
  const count = async () => {
    counting = true;
    lastCountAt = now();
    try {
      const counted = await origins!();
      entries = { local: counted.local, synced: counted.synced, countedAt: now() };
      note("origins", null);
    } catch (err) {
      entries = null;
      note("origins", err as Error);
    } finally {
      counting = false;
    }
  };
  return {
    async read() {
      if (daemons === undefined && origins === undefined) return undefined;
      let running: SyncDaemon[] | null = null;
      if (daemons !== undefined) {
        try {
          running = await daemons();
          note("daemons", null);
        } catch (err) {
          note("daemons", err as Error);
        }
      }
      if (running !== null && running.length === 0) {
        entries = null;
        return { daemons: running, entries };
      }
      // The first count is awaited, so the first snapshot (and a one-shot `snapshot`) has entries; later
      // ones run beside the ticks and land in the next snapshot.
      if (origins !== undefined && lastCountAt === -Infinity) await count();
      else if (origins !== undefined && !counting && now() - lastCountAt >= SYNC_COUNT_INTERVAL_MS) void count();
      return { daemons: running, entries };
    },
  };
}
