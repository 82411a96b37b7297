import { readFile, writeFile } from "node:fs/promises";
import { FAILOVER_HOLD_VALUE, FAILOVER_TRACK_NAME } from "@lvsdeck/protocol";

/**
 * The file keepalived's `track_file lvsdeck_failover` reads (`--failover-file`). Holding writes
 * FAILOVER_HOLD_VALUE, which (× weight 1) drops every instance tracking it to priority 1, so a BACKUP that
 * preempts takes over; releasing writes 0. Written in place: keepalived re-reads a track file when it is
 * closed after writing, and a number of a few bytes is never seen half-written.
 */
export function createFailoverFile(path: string) {
  return {
    async hold(hold: boolean): Promise<string> {
      const value = hold ? FAILOVER_HOLD_VALUE : 0;
      try {
        await writeFile(path, `${value}\n`);
      } catch (err) {
        throw new Error(`cannot write the failover file ${path} (set --failover-file; keepalived's track_file ${FAILOVER_TRACK_NAME} must read the same file): ${(err as Error).message}`);
      }
      const written = (await readFile(path, "utf8")).trim();
      if (written !== String(value)) throw new Error(`wrote ${value} to ${path} but it reads ${JSON.stringify(written.slice(0, 40))}: another writer?`);
      return hold
        ? `wrote ${value} to ${path}: keepalived drops every instance tracking ${FAILOVER_TRACK_NAME} to priority 1, so a BACKUP that preempts takes over`
        : `wrote 0 to ${path}: keepalived puts every instance tracking ${FAILOVER_TRACK_NAME} back at its own priority; one that preempts takes MASTER back`;
    },
  };
}
