import type { WebSocket, WebSocketServer } from "ws";

const alive = new WeakSet<WebSocket>();

/** Marks a socket alive now and on every pong (the `isAlive` pattern from the ws README). */
export function trackAlive(socket: WebSocket): void {
  alive.add(socket);
  socket.on("pong", () => alive.add(socket));
}

/** Pings every client each interval and terminates those that did not answer the previous ping. */
export function startHeartbeat(server: WebSocketServer, intervalMs: number): () => void {
  const timer = setInterval(() => {
    for (const socket of server.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
