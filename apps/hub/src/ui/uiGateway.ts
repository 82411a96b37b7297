import type { WebSocket } from "ws";
import type { HubToUi } from "@lvsdeck/protocol";
import { PROTOCOL_VERSION, parseFrame, uiToHubSchema } from "@lvsdeck/protocol";
import type { Logger } from "../log";

/** Browser sessions on /ws/ui: the hub pushes changes; browsers only ping. */
export interface UiGateway {
  handle(socket: WebSocket): void;
  broadcast(frame: HubToUi): void;
  count(): number;
  closeAll(): void;
}

/** A browser that cannot keep up is skipped rather than letting its queue grow without bound. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Creates the browser gateway. */
export function createUiGateway(log: Logger, now: () => number): UiGateway {
  const sockets = new Set<WebSocket>();
  return {
    handle(socket) {
      sockets.add(socket);
      socket.send(JSON.stringify({ type: "hello", protocolVersion: PROTOCOL_VERSION, serverTime: now() } satisfies HubToUi));
      socket.on("message", (data) => {
        const outcome = parseFrame(uiToHubSchema, data.toString());
        if (!outcome.ok) log.warn("malformed frame from browser", { error: outcome.error });
      });
      socket.on("error", (err) => log.warn("browser socket error", { error: err.message }));
      socket.on("close", () => sockets.delete(socket));
    },
    broadcast(frame) {
      const text = JSON.stringify(frame);
      for (const socket of sockets) {
        if (socket.readyState !== socket.OPEN) continue;
        if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
          log.warn("browser too slow; dropping it so it reloads a fresh state", {});
          socket.terminate();
          continue;
        }
        socket.send(text);
      }
    },
    count: () => sockets.size,
    closeAll() {
      for (const socket of sockets) socket.close(1001, "hub shutting down");
    },
  };
}
