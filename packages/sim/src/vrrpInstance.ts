import { FAILOVER_TRACK_NAME, type AgentEvent, type VrrpCounters, type VrrpInstance, type VrrpState } from "@lvsdeck/protocol";
import type { VrrpAdvert } from "./advert";
import type { SimVrrpInstanceConfig } from "./clusterConfig";

/** What a VRRP instance needs from its director: where adverts and transition events go. */
export interface VrrpHooks {
  send(advert: VrrpAdvert): void;
  emit(event: AgentEvent): void;
  /** Called after every state change, so traffic can follow the VIPs. */
  transitioned(from: VrrpState, to: VrrpState, at: number): void;
}

/** One keepalived vrrp_instance on one director: the RFC 5798 state machine with keepalived's preemption. */
export interface SimVrrpInstance {
  readonly config: SimVrrpInstanceConfig;
  readonly state: VrrpState;
  /** Fires the master-down and advert timers due up to `now`, each at its own due time. */
  advance(now: number): void;
  receive(advert: VrrpAdvert, now: number): void;
  /** keepalived stops: a MASTER says goodbye with a priority-0 advert. */
  stop(now: number): void;
  /** keepalived starts: the instance enters BACKUP and waits for the master-down timer. */
  start(now: number): void;
  view(): VrrpInstance;
  /** Writes lvsdeck's failover track file (weight 1): the value is added to the base priority, kept within 1-254. */
  setFailoverFile(value: number, now: number): void;
}

/** `Skew_Time` in ms: lower priorities wait longer, so the best backup claims mastership first. */
export function skewTimeMs(priority: number, advertIntervalMs: number): number {
  return ((256 - priority) * advertIntervalMs) / 256;
}

/** `Master_Down_Interval` in ms: three missed adverts plus the skew. */
export function masterDownIntervalMs(priority: number, advertIntervalMs: number): number {
  return 3 * advertIntervalMs + skewTimeMs(priority, advertIntervalMs);
}

/** keepalived owns the address when priority is 255 and then starts as MASTER. */
const OWNER_PRIORITY = 255;

/** Creates an instance in INIT; call `start` to enter BACKUP. */
export function createVrrpInstance(director: string, config: SimVrrpInstanceConfig, basePriority: number, hooks: VrrpHooks): SimVrrpInstance {
  const interval = config.advertIntervalMs;
  /** The effective priority: the base plus the failover file's value (a track_file of weight 1, as lvsdeck's docs configure it). */
  let priority = basePriority;
  let failoverValue = 0;
  let state: VrrpState = "INIT";
  let masterRouter: string | null = null;
  let lastTransitionAt: number | null = null;
  let masterDownAt = Infinity;
  let nextAdvertAt = Infinity;
  let masterPriority: number | null = null;
  // keepalived's per-instance counters, as its JSON dump has them: the evidence of a transition's cause.
  const counters: { -readonly [K in keyof VrrpCounters]: number } = {
    advertRcvd: 0, advertSent: 0, becomeMaster: 0, releaseMaster: 0, packetLenErr: 0, advertIntervalErr: 0, ipTtlErr: 0,
    invalidTypeRcvd: 0, addrListErr: 0, invalidAuthtype: 0, authtypeMismatch: 0, authFailure: 0, priZeroRcvd: 0, priZeroSent: 0,
  };

  const advert = (p: number): VrrpAdvert => {
    counters.advertSent += 1;
    if (p === 0) counters.priZeroSent += 1;
    return { director, vrid: config.vrid, priority: p, advertIntervalMs: interval, vips: [...config.vips] };
  };
  const go = (to: VrrpState, at: number): void => {
    const from = state;
    if (to === "MASTER") counters.becomeMaster += 1;
    if (from === "MASTER") counters.releaseMaster += 1;
    state = to;
    lastTransitionAt = at;
    hooks.emit({ kind: "vrrp-transition", instance: config.name, vrid: config.vrid, from, to, priority, at });
    hooks.transitioned(from, to, at);
  };
  const becomeMaster = (at: number): void => {
    masterDownAt = Infinity;
    masterRouter = director;
    masterPriority = null;
    go("MASTER", at);
    hooks.send(advert(priority));
    nextAdvertAt = at + interval;
  };
  const becomeBackup = (at: number, master: string | null, heard: number | null): void => {
    nextAdvertAt = Infinity;
    masterDownAt = at + masterDownIntervalMs(priority, interval);
    masterRouter = master;
    masterPriority = heard;
    if (state !== "BACKUP") go("BACKUP", at);
  };
  // Director names stand in for the primary IP address that breaks priority ties in RFC 5798.
  const outranks = (a: VrrpAdvert): boolean => a.priority > priority || (a.priority === priority && a.director > director);

  return {
    config,
    get state() {
      return state;
    },
    advance(now) {
      for (;;) {
        if (state === "BACKUP" && masterDownAt <= now) becomeMaster(masterDownAt);
        else if (state === "MASTER" && nextAdvertAt <= now) {
          // After a long pause only the latest advert matters; skip the ones nobody could have heard.
          const missed = Math.floor((now - nextAdvertAt) / interval);
          const at = nextAdvertAt + missed * interval;
          hooks.send(advert(priority));
          nextAdvertAt = at + interval;
        } else return;
      }
    },
    receive(a, now) {
      if (a.vrid !== config.vrid || a.director === director) return;
      counters.advertRcvd += 1;
      if (a.priority === 0) counters.priZeroRcvd += 1;
      if (state === "BACKUP") {
        if (a.priority === 0) masterDownAt = now + skewTimeMs(priority, interval);
        else if (!config.preempt || a.priority >= priority) becomeBackup(now, a.director, a.priority);
        // keepalived preempts at once on hearing a lower-priority master (no preempt_delay here).
        else becomeMaster(now);
      } else if (state === "MASTER") {
        if (a.priority === 0) {
          hooks.send(advert(priority));
          nextAdvertAt = now + interval;
        } else if (outranks(a)) becomeBackup(now, a.director, a.priority);
        else {
          // keepalived answers a lower-priority master at once so it steps down without waiting.
          hooks.send(advert(priority));
          nextAdvertAt = now + interval;
        }
      }
    },
    stop(now) {
      if (state === "STOP") return;
      if (state === "MASTER") hooks.send(advert(0));
      masterDownAt = Infinity;
      nextAdvertAt = Infinity;
      masterRouter = null;
      go("STOP", now);
    },
    start(now) {
      if (state !== "INIT" && state !== "STOP") return;
      if (basePriority === OWNER_PRIORITY) becomeMaster(now);
      else becomeBackup(now, null, null);
    },
    setFailoverFile(value, now) {
      if (value === failoverValue) return;
      failoverValue = value;
      const from = priority;
      // keepalived keeps an owner (255) at 255 and clamps everything else to 1-254.
      priority = basePriority === OWNER_PRIORITY ? OWNER_PRIORITY : Math.min(254, Math.max(1, basePriority + value));
      if (priority === from) return;
      hooks.emit({ kind: "vrrp-priority", instance: config.name, vrid: config.vrid, change: "changed", from, to: priority, at: now });
      // A MASTER advertises its new priority at once (keepalived sends on a priority change); a BACKUP's
      // master-down interval follows its new priority.
      if (state === "MASTER") {
        hooks.send(advert(priority));
        nextAdvertAt = now + interval;
      } else if (state === "BACKUP" && masterDownAt !== Infinity) masterDownAt = Math.max(now, masterDownAt - masterDownIntervalMs(from, interval) + masterDownIntervalMs(priority, interval));
    },
    view: () => ({
      name: config.name,
      vrid: config.vrid,
      interface: config.interface,
      state,
      basePriority,
      effectivePriority: priority,
      advertIntervalMs: interval,
      preempt: config.preempt,
      vips: [...config.vips],
      lastTransitionAt,
      masterRouter,
      syncGroup: null,
      masterPriority,
      // Director names stand in for addresses in the simulation, as they do in masterRouter.
      sourceAddress: director,
      downTimerMs: state === "BACKUP" ? masterDownIntervalMs(priority, interval) : null,
      trackFaults: 0,
      tracks: [{ kind: "file", name: FAILOVER_TRACK_NAME, weight: 1, status: failoverValue === 0 ? "good" : "bad", value: failoverValue, effect: priority - basePriority }],
      counters: { ...counters },
    }),
  };
}
