import { parseKeepalivedData, parseKeepalivedJson } from "@lvsdeck/keepalived";
import type { AgentEvent, Health, KeepalivedStatus, VrrpInstance } from "@lvsdeck/protocol";
import type { Logger } from "@lvsdeck/log";
import { coalesced } from "../coalesced";
import { checkersPidFileBeside, createCheckerReader, DEFAULT_CHECK_DATA_PATH } from "./checkerReader";
import { DumpNotWrittenError, requestDump } from "./keepalivedDump";
import { isProcessAlive, readPidFile } from "./keepalivedProcess";
import { followNotify } from "./notifyFollower";
import type { NotifyFollower } from "./notifyFollower";
import { applyNotifyLine } from "./notifyLines";
import type { VrrpView } from "./notifyLines";
import type { KeepalivedPart, KeepalivedReading } from "./parts";
import { fileVerdicts } from "./parts";
import type { ParseErrorLog } from "./parseErrorLog";
import { createParseErrorLog } from "./parseErrorLog";
import { readLocalAddresses } from "./vipPresence";

/** keepalived's JSON signal on Debian bookworm (`keepalived --signum=JSON`: SIGRTMIN+2). */
export const DEFAULT_JSON_SIGNAL = 36;
/** keepalived's DATA signal (`keepalived --signum=DATA`: SIGUSR1). */
export const DEFAULT_DATA_SIGNAL = 10;
/** Full state is re-read from the JSON dump at least this often even without FIFO events (ms). */
export const DEFAULT_REFRESH_MS = 5_000;
/** How often the pid is checked, so a dead keepalived is reported within this long (ms). */
export const LIVENESS_CHECK_MS = 500;
/**
 * keepalived writes MASTER_RX_LOWER_PRI for every lower-priority advert a MASTER hears (once a second
 * per instance in a split brain): one event per instance this often is the news, the rest repeats it (ms).
 */
export const LOWER_ADVERT_EVENT_MS = 60_000;

/** What only the data dump says about an instance: laid over the JSON dump's view of it. */
type DataEvidence = Pick<VrrpInstance, "masterRouter" | "masterPriority" | "sourceAddress" | "downTimerMs" | "trackFaults" | "tracks">;

function evidenceOf(i: VrrpInstance): DataEvidence {
  const evidence: DataEvidence = { masterRouter: i.masterRouter };
  for (const key of ["masterPriority", "sourceAddress", "downTimerMs", "trackFaults", "tracks"] as const) {
    if (i[key] !== undefined) Object.assign(evidence, { [key]: i[key] });
  }
  return evidence;
}

/** Options for {@link createKeepalivedPart}; paths default to Debian's. */
export interface KeepalivedPartOptions {
  pidFile: string;
  jsonPath: string;
  jsonSignal: number;
  /** The SIGUSR1 data dump (`/tmp/keepalived.data`): master router address and sync groups; null to skip it. */
  dataPath: string | null;
  dataSignal: number;
  fifoPaths: readonly string[];
  /** The checker child's DATA dump (default `/tmp/keepalived_check.data`); null to skip it. */
  checkDataPath?: string | null;
  /** The checker child's pid file (default `checkers.pid` beside `pidFile`). */
  checkersPidFile?: string;
  /** `ip` binary for VIP presence; null to skip it. */
  ip: string | null;
  refreshMs: number;
  log: Logger;
  parseErrors?: ParseErrorLog;
}

/** Reads VRRP state from keepalived: FIFO pushes, SIGJSON (and optionally SIGUSR1) dumps, pid liveness, `ip -j addr`. */
export function createKeepalivedPart(options: KeepalivedPartOptions): KeepalivedPart {
  const { log } = options;
  const parseErrors = options.parseErrors ?? createParseErrorLog(log);
  const listeners: Array<(event: AgentEvent) => void> = [];
  const changeListeners: Array<() => void> = [];
  const emit = (event: AgentEvent) => listeners.forEach((l) => l(event));
  let status: KeepalivedStatus = { running: false, pid: null, since: null };
  let checkedOnce = false;
  let view: VrrpView = { instances: [], syncGroups: [] };
  // The keepalived whose dump the view came from: until its first dump there is nothing to send.
  let viewPid: number | null = null;
  let fromData = new Map<string, DataEvidence>();
  // When each instance last reported a lower-priority advert heard as MASTER.
  const lowerAdvertAt = new Map<string, number>();
  const health = new Map<string, Health>();
  // When keepalived last changed a real server's verdict: the receipt time of its RS FIFO line.
  const lastChange = new Map<string, number>();
  const checkDataPath = options.checkDataPath === undefined ? DEFAULT_CHECK_DATA_PATH : options.checkDataPath;
  const checker =
    checkDataPath === null
      ? null
      : createCheckerReader({ pidFile: options.checkersPidFile ?? checkersPidFileBeside(options.pidFile), path: checkDataPath, signal: options.dataSignal, log });
  let lastRefresh = 0;
  // VRRP lines applied so far: a dump requested before a line arrived is older than the line.
  let vrrpLines = 0;
  // The pid of a keepalived whose instances all went STOP over the FIFO: it is shutting down, and a
  // dump signal to it would at best time out and at worst show the state it had before.
  let stoppingPid: number | null = null;
  // The pid of a keepalived this agent may not signal (not root, no CAP_KILL): asked once, then left alone.
  let refusedPid: number | null = null;
  // The pid of a keepalived that never answered SIGJSON while its SIGUSR1 data dump worked: built without
  // JSON (CentOS 7's 1.3.5, some RHEL builds). Its instances come from the data dump; SIGJSON is not sent again.
  let noJsonPid: number | null = null;
  let closed = false;

  const checkLiveness = async (): Promise<void> => {
    const pid = await readPidFile(options.pidFile);
    const running = pid !== null && isProcessAlive(pid);
    const at = Date.now();
    if (checkedOnce && running === status.running && (!running || pid === status.pid)) return;
    const startingUp = !checkedOnce;
    checkedOnce = true;
    status = running ? { running, pid, since: at } : { running, pid: null, since: at };
    lastRefresh = 0;
    checker?.forget();
    // A keepalived found running at start-up is the normal case; anything else is news.
    if (startingUp && running) return;
    const detail = running ? `keepalived running (pid ${pid})` : pid === null ? `no keepalived pid in ${options.pidFile}` : `keepalived pid ${pid} is gone`;
    log.warn("keepalived status changed", { detail });
    emit({ kind: "keepalived", running, detail, at });
    // A dead keepalived is not MASTER of anything: say so on the timeline, not only in the next snapshot.
    if (running) return;
    for (const i of view.instances) {
      if (i.state !== "STOP") emit({ kind: "vrrp-transition", instance: i.name, vrid: i.vrid, from: i.state, to: "STOP", priority: null, at });
    }
    view = { ...view, instances: view.instances.map((i) => ({ ...i, state: "STOP" as const, masterRouter: null })) };
  };

  const refreshNow = async (): Promise<void> => {
    const pid = status.pid;
    if (closed || !status.running || pid === null || pid === stoppingPid || pid === refusedPid) return;
    lastRefresh = Date.now();
    const linesBefore = vrrpLines;
    let jsonUnanswered = false;
    let jsonInstances: VrrpInstance[] | null = null;
    // The JSON view and the data dump's evidence land together, so no snapshot pairs a new transition
    // with the tracks and master router of the dump before it.
    const settle = (evidence: Map<string, DataEvidence> | null, dataInstances: VrrpInstance[] | null) => {
      if (evidence !== null) fromData = evidence;
      const instances = jsonInstances ?? dataInstances;
      // A transition pushed over the FIFO while keepalived wrote the dumps is newer than they are, and
      // has already queued another refresh: keep the pushed state.
      if (instances !== null && vrrpLines === linesBefore) view = { ...view, instances };
      if (instances !== null) viewPid = pid;
    };
    if (pid !== noJsonPid) try {
      const json = await requestDump({ pid, signal: options.jsonSignal, path: options.jsonPath, parse: parseKeepalivedJson });
      jsonInstances = json.instances;
    } catch (err) {
      jsonUnanswered = err instanceof DumpNotWrittenError;
      if ((err as NodeJS.ErrnoException).code === "EPERM") {
        refusedPid = pid;
        log.warn("not permitted to signal keepalived: VRRP instances are not read (that needs keepalived's uid, i.e. root, or CAP_KILL)", { pid });
        return;
      }
      log.warn("could not read keepalived's JSON dump", { error: (err as Error).message });
    }
    if (checker !== null && pid !== stoppingPid) {
      const virtualServers = await checker.refresh(pid);
      for (const vs of virtualServers ?? []) {
        fileVerdicts(health, vs);
      }
    }
    if (options.dataPath === null || pid === stoppingPid) return settle(null, null);
    try {
      const data = await requestDump({ pid, signal: options.dataSignal, path: options.dataPath, parse: parseKeepalivedData });
      settle(new Map(data.instances.map((i) => [i.name, evidenceOf(i)])), data.instances);
      if (jsonUnanswered && noJsonPid !== pid) {
        noJsonPid = pid;
        log.warn("keepalived does not answer SIGJSON (built without JSON?): VRRP instances come from its data dump", { pid, dataPath: options.dataPath });
      }
      view = { ...view, syncGroups: data.syncGroups };
      for (const vs of data.virtualServers) {
        fileVerdicts(health, vs);
      }
    } catch (err) {
      settle(null, null);
      log.warn("could not read keepalived's data dump", { error: (err as Error).message });
    }
  };
  const refresh = coalesced(refreshNow);
  // A dump nobody waits for: its news goes out when it lands, through the change listeners.
  const refreshInBackground = () =>
    void refresh().then(
      () => {
        if (!closed) changeListeners.forEach((l) => l());
      },
      (err: Error) => log.warn("reading keepalived's dumps failed", { error: err.message }),
    );

  const onLine = (line: string, receivedAt: number) => {
    const outcome = applyNotifyLine(view, line, receivedAt);
    if (outcome.error !== null) return parseErrors.report("a keepalived notify line", [{ message: outcome.error }]);
    view = outcome.view;
    if (outcome.health !== null) {
      health.set(outcome.health.key, outcome.health.up ? "up" : "down");
      lastChange.set(outcome.health.key, receivedAt);
    }
    if (outcome.event?.kind === "vrrp-transition") {
      vrrpLines += 1;
      const allStopped = view.instances.length > 0 && view.instances.every((i) => i.state === "STOP");
      stoppingPid = allStopped ? status.pid : null;
    }
    const event = outcome.event;
    if (event?.kind === "vrrp-priority" && event.change === "lower-advert-heard") {
      const last = lowerAdvertAt.get(event.instance);
      if (last !== undefined && receivedAt - last < LOWER_ADVERT_EVENT_MS) return;
      lowerAdvertAt.set(event.instance, receivedAt);
    }
    if (event !== null) emit(event);
    // A checker verdict changes the kernel table, the quorum and maybe the sorry server: re-read the checker's dump.
    // A priority change is re-read too, so the tracks that moved it are known before the transition it may cause.
    if (event?.kind === "vrrp-transition" || event?.kind === "health" || event?.kind === "vrrp-priority" || outcome.unknownInstance) refreshInBackground();
  };
  const followers: NotifyFollower[] = options.fifoPaths.map((path) => followNotify({ path, onLine, log }));
  const livenessTimer = setInterval(() => void checkLiveness().catch((err: Error) => log.error("keepalived liveness check failed", { error: err.message })), LIVENESS_CHECK_MS);
  livenessTimer.unref();

  const vipsPresent = async (vips: ReadonlySet<string>): Promise<string[]> => {
    if (options.ip === null) return [];
    try {
      const local = await readLocalAddresses({ path: options.ip, flag: "--ip" });
      if (local.error !== null) log.warn("cannot read local addresses", { error: local.error });
      return local.addresses.filter((a) => vips.has(a)).sort();
    } catch (err) {
      log.warn("cannot read local addresses", { error: (err as Error).message });
      return [];
    }
  };

  return {
    async read(): Promise<KeepalivedReading> {
      await checkLiveness();
      if (status.running && Date.now() - lastRefresh >= options.refreshMs) {
        // Only the first dump of a keepalived is waited for. After it a read never queues behind a dump,
        // which a busy keepalived can take seconds to write: a transition pushed over the FIFO meanwhile
        // must reach the hub now, or a healthy election reads as "no MASTER" for those seconds.
        if (viewPid === status.pid) refreshInBackground();
        else await refresh();
      }
      const vrrp = view.instances.map((i): VrrpInstance => {
        if (!status.running) return { ...i, state: "STOP", masterRouter: null };
        const evidence = fromData.get(i.name);
        return evidence === undefined ? i : { ...i, ...evidence, masterRouter: evidence.masterRouter ?? i.masterRouter };
      });
      const vips = new Set(view.instances.flatMap((i) => i.vips));
      await checker?.checkAlive();
      const checkerReading = status.running ? (checker?.reading() ?? null) : null;
      const keepalived = checkerReading === null ? status : { ...status, checker: checkerReading.process };
      const checkerView = checkerReading?.virtualServers == null ? null : { virtualServers: checkerReading.virtualServers, lastChange, verdicts: health };
      return { keepalived, vrrp, syncGroups: view.syncGroups, vipsPresent: await vipsPresent(vips), health, checker: checkerView };
    },
    onEvent: (listener) => void listeners.push(listener),
    onChange: (listener) => void changeListeners.push(listener),
    async close() {
      closed = true;
      clearInterval(livenessTimer);
      followers.forEach((f) => f.close());
      // Waits for a dump in flight; the run this queues returns at once.
      await refresh().catch(() => undefined);
    },
  };
}
