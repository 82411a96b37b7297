import { initialServerClock, type ServerClock } from "./serverClock";

/** The state of the socket to the hub. `incompatible`: the hub speaks another protocol version. */
export type ConnectionState = "connecting" | "open" | "closed" | "incompatible";

/** What the page knows about its live feed; kept in the query cache like the data it describes. */
export interface LiveStatus {
  connection: ConnectionState;
  /** Local time of the next reconnect attempt while closed. */
  retryAt: number | null;
  /** Local time the live feed was lost (or first failed); null while live and before the first attempt ends. */
  offlineSince: number | null;
  clock: ServerClock;
  /** Frames that were not valid JSON or did not match the protocol. */
  badFrames: number;
  lastBadFrame: string | null;
  hubProtocolVersion: number | null;
  /** True once the hub closed the live feed because this page's access was taken away. */
  accessEnded: boolean;
}

export const initialLiveStatus: LiveStatus = {
  connection: "connecting",
  retryAt: null,
  offlineSince: null,
  clock: initialServerClock,
  badFrames: 0,
  lastBadFrame: null,
  hubProtocolVersion: null,
  accessEnded: false,
};
