import type { HubEvent } from "@lvsdeck/protocol";

/** How loud an event is drawn: `bad` only for things that are wrong. */
export type EventTone = "bad" | "good" | "neutral";

/** An event in the operator's words, and whether it signals trouble. */
export function describeEvent(hubEvent: HubEvent): { text: string; tone: EventTone } {
  const e = hubEvent.event;
  switch (e.kind) {
    case "vrrp-transition": {
      const prio = e.priority === null ? "" : `, priority ${e.priority}`;
      const tone: EventTone = e.to === "FAULT" || e.to === "STOP" ? "bad" : e.to === "MASTER" ? "good" : "neutral";
      return { text: `${e.instance} (VRID ${e.vrid}) ${e.from} → ${e.to}${prio}`, tone };
    }
    case "vrrp-priority":
      if (e.change === "lower-advert-heard") {
        return { text: `${e.instance} (VRID ${e.vrid}) as MASTER heard a lower-priority advert: another director also claims MASTER`, tone: "bad" };
      }
      return { text: `${e.instance} (VRID ${e.vrid}) priority ${e.from ?? "?"} → ${e.to}`, tone: e.from !== null && e.to < e.from ? "bad" : "neutral" };
    case "health":
      return { text: `${e.realServer} in ${e.service} is ${e.up ? "up" : "DOWN"}`, tone: e.up ? "good" : "bad" };
    case "weight":
      return {
        text: `weight of ${e.realServer} in ${e.service}: ${e.from} → ${e.to} (${e.cause === "health-check" ? "health check" : e.cause === "operator" && e.actor !== undefined ? `by ${e.actor}` : e.cause})`,
        tone: "neutral",
      };
    case "keepalived":
      return { text: e.detail.startsWith("keepalived") ? e.detail : `keepalived ${e.running ? "started" : "stopped"}${e.detail === "" ? "" : `: ${e.detail}`}`, tone: e.running ? "good" : "bad" };
    case "sim-fault":
      return { text: `simulated ${e.fault}${e.detail === "" ? "" : `: ${e.detail}`}`, tone: "neutral" };
    case "agent":
      return { text: `agent ${e.connected ? "connected" : "disconnected"}${e.detail === "" ? "" : `: ${e.detail}`}`, tone: e.connected ? "good" : "bad" };
    case "alert":
      return { text: `${e.raised ? "alert" : "cleared"}: ${e.message}`, tone: e.raised ? "bad" : "good" };
    case "hub":
      if (e.state === "stopped") return { text: `hub stopped${e.detail === "" ? "" : `: ${e.detail}`}`, tone: "bad" };
      return {
        text: e.downFrom === null ? "hub started" : `hub started; it was down for ${Math.max(0, Math.round((e.at - e.downFrom) / 1000))} s${e.clean ? "" : " (it had not stopped cleanly: down since it was last seen alive)"}`,
        tone: "good",
      };
    default: {
      const unknown: never = e;
      return { text: JSON.stringify(unknown), tone: "neutral" };
    }
  }
}

/** A transition's cause reaches the hub with the director's next keepalived dump, within this long (ms). */
export const CAUSE_EXPECTED_WITHIN_MS = 30_000;

/**
 * Why a VRRP transition happened, as the hub read it; "not known" once no dump came to say, never a guess.
 * Null for other events.
 */
export function eventCause(hubEvent: HubEvent, now: number): string | null {
  const e = hubEvent.event;
  if (e.kind !== "vrrp-transition") return null;
  if (e.cause !== undefined) return e.cause.text;
  return now - hubEvent.receivedAt < CAUSE_EXPECTED_WITHIN_MS ? "not known yet: waiting for the director's next keepalived dump" : "not known: no keepalived dump from the director after it";
}

/** The moment an event happened: keepalived's own time when the hub has it, else the agent's. */
export function eventTime(hubEvent: HubEvent): number {
  const e = hubEvent.event;
  return e.kind === "vrrp-transition" && e.keepalivedAt !== undefined ? e.keepalivedAt : e.at;
}

const after = (ms: number): string => `+${Math.max(0, Math.round(ms))} ms`;

/**
 * Where the time of an event comes from, for a responder lining up clocks: keepalived's own time of a
 * transition, then how much later the agent and the hub saw it.
 */
export function eventClocks(hubEvent: HubEvent): string {
  const e = hubEvent.event;
  const origin = eventTime(hubEvent);
  const agent = hubEvent.observedAt === null ? "" : ` · agent ${after(hubEvent.observedAt - origin)}`;
  const hub = ` · hub ${after(hubEvent.receivedAt - origin)}`;
  if (e.kind === "vrrp-transition") return `${e.keepalivedAt === undefined ? "agent's time (keepalived's not known)" : "keepalived's time"}${e.keepalivedAt === undefined ? "" : agent}${hub}`;
  return hubEvent.observedAt === null ? "hub's time" : `agent's time${hub}`;
}
