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
    case "health":
      return { text: `${e.realServer} in ${e.service} is ${e.up ? "up" : "DOWN"}`, tone: e.up ? "good" : "bad" };
    case "weight":
      return {
        text: `weight of ${e.realServer} in ${e.service}: ${e.from} → ${e.to} (${e.cause === "health-check" ? "health check" : e.cause})`,
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
    default: {
      const unknown: never = e;
      return { text: JSON.stringify(unknown), tone: "neutral" };
    }
  }
}

/** The moment an event happened: keepalived's or the agent's own timestamp. */
export function eventTime(hubEvent: HubEvent): number {
  return hubEvent.event.at;
}
