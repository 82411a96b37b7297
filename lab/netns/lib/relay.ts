// A byte relay between a TCP port and a Unix domain socket, either way round. A path-named Unix socket
// lives in the file system, not in a network namespace, so it crosses namespaces where TCP cannot:
// inside each director namespace a relay listens on 127.0.0.1:PORT and pipes every connection to
// hub.sock; on the host a relay pipes hub.sock to the hub's 127.0.0.1:PORT. No interface is created
// or changed for it, on the host or in the lab.
import { chmodSync, rmSync } from "node:fs";
import net from "node:net";
import type { Socket } from "node:net";

/** A TCP endpoint or a Unix socket path. */
export type Endpoint = { host: string; port: number } | { path: string };

/** Parses `HOST:PORT` or a path (anything with a `/`). */
export function parseEndpoint(text: string): Endpoint {
  if (text.includes("/")) return { path: text };
  const at = text.lastIndexOf(":");
  const port = Number(text.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`not HOST:PORT or a socket path: ${text}`);
  return { host: text.slice(0, at), port };
}

export const formatEndpoint = (e: Endpoint) => ("path" in e ? e.path : `${e.host}:${e.port}`);

/** A running relay. */
export interface Relay {
  /** Where it listens (with the port the kernel chose, for port 0). */
  listening: Endpoint;
  /** Connections being relayed now. */
  open(): number;
  /** Stops listening and cuts every relayed connection. */
  close(): Promise<void>;
}

/** Options for {@link startRelay}. */
export interface RelayOptions {
  listen: Endpoint;
  to: Endpoint;
  /** Told about connections that fail to reach `to`; silent by default. */
  onError?: (message: string) => void;
}

/** Listens on `listen` and pipes each connection to a new connection to `to`, both ways. */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  const pairs = new Set<[Socket, Socket]>();
  // Half-open allowed: a side that finished sending may still receive (pipe() passes each end on).
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const upstream = net.connect({ ...options.to, allowHalfOpen: true });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    // WebSocket frames are small and latency matters more than packing them (TCP only; ignored on Unix sockets).
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    upstream.once("error", (err) => options.onError?.(`${formatEndpoint(options.to)}: ${err.message}`));
    // Either side failing, or closing in both directions, ends the pair.
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.once("close", () => {
      pairs.delete(pair);
      upstream.destroy();
    });
    upstream.once("close", () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  if ("path" in options.listen) rmSync(options.listen.path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.listen, () => resolve());
  });
  let listening: Endpoint = options.listen;
  if ("path" in options.listen) {
    // Only root (the lab) may talk to the hub through it.
    chmodSync(options.listen.path, 0o600);
  } else {
    const address = server.address();
    if (typeof address === "object" && address !== null) listening = { host: options.listen.host, port: address.port };
  }
  return {
    listening,
    open: () => pairs.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const pair of pairs) for (const socket of pair) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
