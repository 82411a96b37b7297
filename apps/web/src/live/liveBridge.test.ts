import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { QueryClient, QueryObserver } from "@tanstack/react-query";
import type { DirectorId, HubEvent, HubToUi, Verdict } from "@lvsdeck/protocol";
import { createLiveBridge, FLUSH_INTERVAL_MS } from "./liveBridge";
import { alertsQuery, clusterQuery, eventsQuery, healthQuery, liveStatusQuery, seriesQuery } from "../api/queries";
import { cluster, instance, view, withSecondService } from "../test/fixtures";
import { UI_PROTOCOL_VERSION, countDirector, summarizeDirector } from "@lvsdeck/protocol";
import { summaryKeys } from "../api/moreQueries";
import { summariesFromCluster, type SummaryState } from "./summaries";

class FakeSocket extends EventTarget {
  readyState = 0;
  sent: string[] = [];
  send(text: string) {
    this.sent.push(text);
  }
  close() {
    this.readyState = 3;
  }
  push(frame: HubToUi | string) {
    const data = typeof frame === "string" ? frame : JSON.stringify(frame);
    this.dispatchEvent(Object.assign(new Event("message"), { data }));
  }
}

describe("live bridge", () => {
  let socket: FakeSocket;
  let client: QueryClient;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    client = new QueryClient();
    socket = new FakeSocket();
    client.setQueryData(clusterQuery().queryKey, cluster([view("lvs-dir-01", 1_000)], 1_000));
    client.setQueryData(eventsQuery().queryKey, { events: [] });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  function open() {
    return createLiveBridge(client, { url: "ws://hub/ws/ui", createSocket: () => socket as unknown as WebSocket });
  }

  it("writes newer director views into the cluster query and the series, and drops older ones", () => {
    const bridge = open();
    socket.push({ type: "director", serverTime: 3_000, director: view("lvs-dir-01", 3_000) });
    socket.push({ type: "director", serverTime: 3_001, director: view("lvs-dir-01", 2_000) });
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS);
    const c = client.getQueryData(clusterQuery().queryKey);
    expect(c?.directors[0]?.receivedAt).toBe(3_000);
    const series = client.getQueryData(seriesQuery(c!.directors[0]!.id).queryKey);
    expect(Object.values(series?.byServer ?? {}).map((points) => points.length)).toEqual([1, 1]);
    bridge.close();
  });

  it("draws a change of VRRP state at once, and holds counter-only frames for the next flush", () => {
    client.setQueryData(clusterQuery().queryKey, cluster([view("lvs-dir-01", 1_000, {}, { vrrp: [instance("MASTER", 200)] })], 1_000));
    const bridge = open();
    const shown = () => client.getQueryData(clusterQuery().queryKey)?.directors[0];
    socket.push({ type: "director", serverTime: 2_000, director: view("lvs-dir-01", 2_000, {}, { vrrp: [instance("MASTER", 200)] }) });
    expect(shown()?.receivedAt).toBe(1_000);
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS);
    expect(shown()?.receivedAt).toBe(2_000);
    socket.push({ type: "director", serverTime: 3_000, director: view("lvs-dir-01", 3_000, {}, { vrrp: [instance("STOP", 0)] }) });
    expect(shown()?.snapshot?.vrrp[0]?.state).toBe("STOP");
    socket.push({ type: "director", serverTime: 4_000, director: view("lvs-dir-01", 4_000, { stale: true }, { vrrp: [instance("STOP", 0)] }) });
    expect(shown()?.stale).toBe(true);
    bridge.close();
  });

  it("writes the hub's health frames into the health query, newest by the hub's clock", () => {
    const bridge = open();
    const group = { key: "51/198.51.100.10", vrid: 51, vips: ["198.51.100.10"], names: ["VI_51"], label: "VRID 51 (198.51.100.10)", members: [] };
    socket.push({ type: "health", serverTime: 5_000, health: { groups: [group], verdicts: [] } });
    socket.push({ type: "health", serverTime: 4_000, health: { groups: [], verdicts: [] } });
    expect(client.getQueryData(healthQuery().queryKey)).toEqual({ serverTime: 5_000, health: { groups: [group], verdicts: [] } });
    bridge.close();
  });

  it("applies health-changes frames to the health it holds, and ignores one older than it", () => {
    const bridge = open();
    const group = (state: "MASTER" | "BACKUP") => ({ key: "51/198.51.100.10", vrid: 51, vips: ["198.51.100.10"], names: ["VI_51"], label: "VRID 51 (198.51.100.10)",
      members: [{ director: "lvs-dir-01" as DirectorId, instance: "VI_51", state, fresh: true }] });
    const other = { key: "52/198.51.100.20", vrid: 52, vips: ["198.51.100.20"], names: ["VI_52"], label: "VRID 52 (198.51.100.20)", members: [] };
    const verdict: Verdict = { id: "no-master|51", kind: "no-master", severity: "critical", message: "no MASTER", since: 6_000, scope: { group: group("BACKUP").key } };
    socket.push({ type: "health", serverTime: 5_000, health: { groups: [group("MASTER"), other], verdicts: [] } });
    socket.push({ type: "health-changes", serverTime: 6_000, groups: { upsert: [group("BACKUP")], removed: [] }, verdicts: { upsert: [verdict], removed: [] } });
    expect(client.getQueryData(healthQuery().queryKey)).toEqual({ serverTime: 6_000, health: { groups: [group("BACKUP"), other], verdicts: [verdict] } });
    socket.push({ type: "health-changes", serverTime: 5_500, groups: { upsert: [], removed: [other.key] }, verdicts: { upsert: [], removed: [] } });
    expect(client.getQueryData(healthQuery().queryKey)?.health.groups).toHaveLength(2);
    bridge.close();
  });

  it("applies alert-changes to the fetched alerts, and fetches them again when it holds none", () => {
    const bridge = open();
    const alert = (id: string) => ({ id, rule: "no-master" as const, severity: "critical" as const, message: id, since: 1, scope: {} });
    client.setQueryData(alertsQuery().queryKey, { alerts: [alert("a"), alert("b")] });
    socket.push({ type: "alert-changes", alerts: { upsert: [alert("c")], removed: ["a"] } });
    expect(client.getQueryData(alertsQuery().queryKey)?.alerts.map((a) => a.id)).toEqual(["b", "c"]);
    client.removeQueries({ queryKey: alertsQuery().queryKey });
    const refetch = vi.spyOn(client, "invalidateQueries");
    socket.push({ type: "alert-changes", alerts: { upsert: [alert("d")], removed: [] } });
    expect(refetch).toHaveBeenCalledWith({ queryKey: ["alerts"] });
    bridge.close();
  });

  it("appends live events and counts bad frames without stopping", () => {
    const bridge = open();
    const event: HubEvent = { id: 7, director: view("lvs-dir-01", 0).id, seq: 1, observedAt: 1, receivedAt: 1, event: { kind: "keepalived", running: false, detail: "", at: 1 } };
    socket.push("garbage");
    socket.push({ type: "event", event });
    expect(client.getQueryData(eventsQuery().queryKey)?.events.map((e) => e.id)).toEqual([7]);
    expect(client.getQueryData(liveStatusQuery().queryKey)?.badFrames).toBe(1);
    bridge.close();
  });

  it("keeps an event that arrives while the log fetched after a reconnect is under way, though the answer predates it", async () => {
    const bridge = open();
    const event = (id: number): HubEvent => ({ id, director: view("lvs-dir-01", 0).id, seq: id, observedAt: 1, receivedAt: 1, event: { kind: "keepalived", running: id % 2 === 0, detail: "", at: id } });
    client.setQueryData(eventsQuery().queryKey, { events: [event(5)] });
    let answer: (value: { events: HubEvent[] }) => void = () => undefined;
    // The page shows the event log: the hello's invalidation fetches it again, and the test decides when it answers.
    const observer = new QueryObserver(client, { queryKey: eventsQuery().queryKey, queryFn: () => new Promise<{ events: HubEvent[] }>((resolve) => (answer = resolve)) });
    const unsubscribe = observer.subscribe(() => undefined);
    socket.push({ type: "hello", protocolVersion: UI_PROTOCOL_VERSION, serverTime: 1_000 });
    socket.push({ type: "event", event: event(7) });
    // The hub read its log before event 7 was stored (or another hub answered, after a failover).
    answer({ events: [event(5), event(6)] });
    await vi.waitFor(() => expect(client.getQueryData(eventsQuery().queryKey)?.events.map((e) => e.id)).toEqual([5, 6, 7]));
    unsubscribe();
    bridge.close();
  });

  it("takes the hub's clock from hello and marks the feed open", () => {
    vi.setSystemTime(1_000_000);
    const bridge = open();
    socket.push({ type: "hello", protocolVersion: UI_PROTOCOL_VERSION, serverTime: 1_250_000 });
    const status = client.getQueryData(liveStatusQuery().queryKey);
    expect(status?.connection).toBe("open");
    expect(status?.clock.offsetMs).toBe(250_000);
    bridge.close();
  });

  it("subscribes on open with the detail the page asked for", () => {
    const bridge = createLiveBridge(client, { url: "ws://hub/ws/ui", detail: "summary", createSocket: () => socket as unknown as WebSocket });
    socket.readyState = 1;
    socket.dispatchEvent(new Event("open"));
    expect(socket.sent.map((t) => JSON.parse(t) as unknown)).toEqual([{ type: "subscribe", detail: "summary" }]);
    bridge.close();
  });

  it("writes summaries frames into the wall's state", () => {
    client.setQueryData<SummaryState>(summaryKeys.all, summariesFromCluster(cluster([view("lvs-dir-01", 1_000)], 1_000)));
    const bridge = open();
    const summary = { ...summarizeDirector(view("lvs-dir-01", 5_000)), stale: true };
    socket.push({ type: "summaries", serverTime: 5_000, directors: [summary] });
    const state = client.getQueryData<SummaryState>(summaryKeys.all);
    expect(state?.byDirector["lvs-dir-01"]?.summary.stale).toBe(true);
    expect(state?.serverTime).toBe(5_000);
    bridge.close();
  });

  it("writes counters frames into the wall's state", () => {
    client.setQueryData<SummaryState>(summaryKeys.all, summariesFromCluster(cluster([view("lvs-dir-01", 1_000)], 1_000)));
    const bridge = open();
    socket.push({ type: "counters", serverTime: 6_000, directors: [countDirector(view("lvs-dir-01", 6_000))] });
    const state = client.getQueryData<SummaryState>(summaryKeys.all);
    expect(state?.byDirector["lvs-dir-01"]?.summary.takenAt).toBe(6_000);
    expect(state?.serverTime).toBe(6_000);
    bridge.close();
  });

  it("fetches the wall's summaries again when counters follow other services than it holds, and writes none of them", () => {
    const held = summariesFromCluster(cluster([withSecondService(view("lvs-dir-01", 1_000))], 1_000));
    client.setQueryData<SummaryState>(summaryKeys.all, held);
    const bridge = open();
    const refetch = vi.spyOn(client, "invalidateQueries");
    const current = withSecondService(view("lvs-dir-01", 6_000));
    socket.push({ type: "counters", serverTime: 6_000, directors: [countDirector(current)] });
    expect(refetch).not.toHaveBeenCalledWith({ queryKey: summaryKeys.all });
    const reordered = { ...current, snapshot: { ...current.snapshot!, takenAt: 7_000, services: current.snapshot!.services.toReversed() } };
    socket.push({ type: "counters", serverTime: 7_000, directors: [countDirector(reordered)] });
    expect(refetch).toHaveBeenCalledWith({ queryKey: summaryKeys.all });
    expect(client.getQueryData<SummaryState>(summaryKeys.all)?.byDirector["lvs-dir-01"]?.summary.takenAt).toBe(6_000);
    bridge.close();
  });
});
