import type { CommandResult, ConnectionQuery } from "@lvsdeck/protocol";
import { createConnectionAggregator, createConnectionQuery } from "@lvsdeck/ipvs";
import type { ConnectionEntry } from "@lvsdeck/ipvs";

/** The connections part of a command result. */
export type ConnectionAnswer = NonNullable<CommandResult["connections"]>;

/** Top clients reported per service. */
const TOP_CLIENTS = 10;

function endpoint(a: ConnectionEntry["client"]): string {
  return a.family === "inet6" ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

/**
 * Answers a connection query from a connection table in `ipvsadm -Lnc` or `/proc/net/ip_vs_conn` form,
 * read chunk by chunk: one pass keeps only the requested page and the bounded top-client sketches.
 */
export async function answerConnectionQuery(
  feed: (onChunk: (chunk: string) => void) => Promise<void>,
  query: ConnectionQuery,
  takenAt: number,
): Promise<ConnectionAnswer> {
  const page = createConnectionQuery({
    offset: query.offset,
    limit: query.limit,
    filter: {
      ...(query.client !== undefined && { client: query.client }),
      ...(query.vip !== undefined && { vip: query.vip }),
      ...(query.realServer !== undefined && { realServer: query.realServer }),
      ...(query.state !== undefined && { state: query.state }),
    },
  });
  const aggregate = createConnectionAggregator({ topClients: TOP_CLIENTS });
  await feed((chunk) => {
    page.push(chunk);
    aggregate.push(chunk);
  });
  const result = page.finish();
  const summary = aggregate.finish();
  return {
    takenAt,
    total: result.total,
    scanned: result.scanned,
    rows: result.rows.map((row) => ({
      protocol: row.protocol,
      state: row.state,
      expiresInSec: row.expiresSec,
      client: endpoint(row.client),
      virtual: endpoint(row.virtual),
      destination: endpoint(row.destination),
      template: row.template,
    })),
    topClients: summary.services.map((s) => ({
      virtual: s.serviceKey,
      clients: s.topClients.map((c) => ({ client: c.item, connections: c.count })),
    })),
  };
}
