import type { QueryClient } from "@tanstack/react-query";
import { UI_PROTOCOL_VERSION, UI_CLOSE_ACCESS_REVOKED, applyListChanges, type DirectorView, type HubEvent, type HubToUi, type UiSubscribe } from "@lvsdeck/protocol";
import { summaryKeys } from "../api/moreQueries";
import { applyCounters, applySummaries, type SummaryState } from "./summaries";
import {
  RECENT_WEIGHT_CHANGES,
  alertKeys,
  alertsQuery,
  clusterQuery,
  eventsKeys,
  eventsQuery,
  healthQuery,
  liveStatusQuery,
  recentWeightChangesQuery,
  seriesQuery,
  EVENT_LIMIT,
} from "../api/queries";
import { applyDirectorUpdate, applyEventUpdate, applyWeightChange } from "./applyUpdate";
import { applyHealth, applyHealthChanges } from "./health";
import { applySeriesUpdate } from "./series";
import { applyClockSample } from "./serverClock";
import { createSocketClient, uiSocketUrl, type SocketClient, type SocketEvent } from "./socketClient";
import { initialLiveStatus, type LiveStatus } from "./liveStatus";

/** Director frames are applied together at most this often, so 200 directors cost one render, not 200. */
export const FLUSH_INTERVAL_MS = 50;
/** Director frames held between flushes at most; beyond it the oldest are dropped (only when the tab sleeps). */
export const MAX_PENDING_FRAMES = 2_000;

type DirectorFrame = Extract<HubToUi, { type: "director" }>;

/** The one path from /ws/ui into the query cache. */
export interface LiveBridge {
  close: () => void;
}

function updateStatus(client: QueryClient, update: (status: LiveStatus) => LiveStatus): void {
  client.setQueryData(liveStatusQuery().queryKey, (old) => update(old ?? initialLiveStatus));
}

function applyDirectorFrames(client: QueryClient, frames: readonly DirectorFrame[]): void {
  client.setQueryData(clusterQuery().queryKey, (cluster) =>
    cluster === undefined ? cluster : frames.reduce((c, f) => applyDirectorUpdate(c, f.director, f.serverTime), cluster),
  );
  for (const frame of frames) {
    client.setQueryData(seriesQuery(frame.director.id).queryKey, (series) => applySeriesUpdate(series, frame.director));
  }
}

/** What a director's state looks like on screen: presence, staleness, keepalived, VRRP states, VIPs held. */
function stateOf(view: DirectorView | undefined): string {
  if (view === undefined) return "";
  const s = view.snapshot;
  const vrrp = s === null ? "" : s.vrrp.map((i) => `${i.name}=${i.state}`).join(",");
  return [view.connected, view.stale, s?.keepalived.running, vrrp, s?.vipsPresent.join(",")].join("|");
}

/** True when the frame changes what the director's state looks like, as opposed to its counters. */
function changesState(client: QueryClient, next: DirectorView): boolean {
  const shown = client.getQueryData(clusterQuery().queryKey)?.directors.find((d) => d.id === next.id);
  return stateOf(shown) !== stateOf(next);
}

/** Where the bridge connects; tests pass a fake socket. */
export interface LiveBridgeOptions {
  url?: string;
  /** What the hub should push: whole director views (default) or per-director summaries (the wall). */
  detail?: UiSubscribe["detail"];
  createSocket?: (url: string) => WebSocket;
  /** A wall display's token, offered on the upgrade as `?token=`; null with a session cookie. */
  token?: string | null;
  /**
   * Called when the hub refused the upgrade itself. Browsers hide the status (401 or a dead hub look the
   * same), so the page asks the hub over REST whether the session is still good.
   */
  onUpgradeFailed?: () => void;
}

/** Opens the live socket and writes every frame into the TanStack Query cache. */
export function createLiveBridge(client: QueryClient, options: LiveBridgeOptions = {}): LiveBridge {
  let pending: DirectorFrame[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Events the socket brought since the last hello, kept until the event log fetched after that hello
   * has arrived: the hub may have answered the fetch from before them (or another hub, after a
   * failover, may have), and the answer replaces the list. They are applied again on top of it, so a
   * reconnect, to the same hub or another, leaves no gap and, matched by id, no duplicate.
   */
  let sinceHello: HubEvent[] | null = null;
  const applyEvent = (event: HubEvent) =>
    client.setQueryData(eventsQuery(EVENT_LIMIT).queryKey, (events) => (events === undefined ? events : applyEventUpdate(events, event, EVENT_LIMIT)));

  const flush = () => {
    flushTimer = undefined;
    const frames = pending;
    pending = [];
    applyDirectorFrames(client, frames);
  };

  const onFrame = (frame: HubToUi) => {
    const receivedAt = Date.now();
    switch (frame.type) {
      case "hello":
        updateStatus(client, (s) => ({
          ...s,
          connection: frame.protocolVersion === UI_PROTOCOL_VERSION ? "open" : "incompatible",
          offlineSince: null,
          accessEnded: false,
          hubProtocolVersion: frame.protocolVersion,
          clock: applyClockSample({ offsetMs: null, samples: [] }, frame.serverTime, receivedAt),
        }));
        // Whatever happened while we were away: fetch it once, frames keep it current from here.
        void client.invalidateQueries({ queryKey: clusterQuery().queryKey });
        {
          const held: HubEvent[] = [];
          sinceHello = held;
          void client.invalidateQueries({ queryKey: eventsKeys.all }).finally(() => {
            if (sinceHello !== held) return;
            sinceHello = null;
            for (const event of held) applyEvent(event);
          });
        }
        void client.invalidateQueries({ queryKey: alertKeys.all });
        void client.invalidateQueries({ queryKey: summaryKeys.all });
        return;
      case "summaries":
        updateStatus(client, (s) => ({ ...s, clock: applyClockSample(s.clock, frame.serverTime, receivedAt) }));
        client.setQueryData<SummaryState>(summaryKeys.all, (state) =>
          state === undefined ? state : applySummaries(state, frame.directors, frame.serverTime),
        );
        return;
      case "counters": {
        updateStatus(client, (s) => ({ ...s, clock: applyClockSample(s.clock, frame.serverTime, receivedAt) }));
        let unmatched = false;
        client.setQueryData<SummaryState>(summaryKeys.all, (state) => {
          if (state === undefined) return state;
          const applied = applyCounters(state, frame.directors, frame.serverTime);
          unmatched = applied.unmatched.length > 0;
          return applied.state;
        });
        // Counters for services this page does not hold in that order: its summaries are fetched again.
        if (unmatched && client.isFetching({ queryKey: summaryKeys.all }) === 0) void client.invalidateQueries({ queryKey: summaryKeys.all });
        return;
      }
      case "director":
        updateStatus(client, (s) => ({ ...s, clock: applyClockSample(s.clock, frame.serverTime, receivedAt) }));
        pending.push(frame);
        if (pending.length > MAX_PENDING_FRAMES) pending = pending.slice(pending.length - MAX_PENDING_FRAMES);
        // Counters wait for the next flush; a failover, a dead keepalived or a stale director is drawn now.
        if (changesState(client, frame.director)) {
          clearTimeout(flushTimer);
          flush();
        } else {
          flushTimer ??= setTimeout(flush, FLUSH_INTERVAL_MS);
        }
        return;
      case "event":
        applyEvent(frame.event);
        if (sinceHello !== null && sinceHello.length < EVENT_LIMIT) sinceHello.push(frame.event);
        return;
      case "alert-changes":
        // Changes apply to the set fetched after hello; while that fetch is under way (or none was
        // made), they may predate its answer, so it is asked again.
        if (client.getQueryData(alertsQuery().queryKey) === undefined || client.isFetching({ queryKey: alertsQuery().queryKey }) > 0) {
          void client.invalidateQueries({ queryKey: alertKeys.all });
          return;
        }
        client.setQueryData(alertsQuery().queryKey, (old) => (old === undefined ? old : { ...old, alerts: applyListChanges(old.alerts, frame.alerts, (a) => a.id) }));
        return;
      case "health":
        client.setQueryData(healthQuery().queryKey, (old) => applyHealth(old, frame.serverTime, frame.health));
        return;
      case "health-changes":
        client.setQueryData(healthQuery().queryKey, (old) => applyHealthChanges(old, frame));
        return;
      case "weight-change":
        client.setQueryData(recentWeightChangesQuery().queryKey, (recent) =>
          applyWeightChange(recent ?? [], frame.change, RECENT_WEIGHT_CHANGES),
        );
        return;
    }
  };

  const onEvent = (event: SocketEvent) => {
    switch (event.kind) {
      case "connecting":
        updateStatus(client, (s) => (s.connection === "incompatible" ? s : { ...s, connection: "connecting", retryAt: null }));
        return;
      case "open":
        // "open" is declared by the hello, which also says whether we speak the same protocol.
        return;
      case "closed":
        updateStatus(client, (s) => ({
          ...s,
          connection: s.connection === "incompatible" ? s.connection : "closed",
          retryAt: event.retryAt,
          offlineSince: s.offlineSince ?? Date.now(),
          accessEnded: s.accessEnded || event.code === UI_CLOSE_ACCESS_REVOKED,
        }));
        // A refused upgrade, or the hub closing us because our access was taken away: ask who we are now.
        if (!event.opened || event.code === UI_CLOSE_ACCESS_REVOKED) options.onUpgradeFailed?.();
        return;
      case "bad-frame":
        updateStatus(client, (s) => ({ ...s, badFrames: s.badFrames + 1, lastBadFrame: event.error }));
        return;
    }
  };

  const socket: SocketClient = createSocketClient({
    url: options.url ?? uiSocketUrl(window.location, options.token ?? null),
    onFrame,
    onEvent,
    greeting: { type: "subscribe", detail: options.detail ?? "full" },
    ...(options.createSocket !== undefined && { createSocket: options.createSocket }),
  });

  return {
    close() {
      clearTimeout(flushTimer);
      socket.close();
    },
  };
}
