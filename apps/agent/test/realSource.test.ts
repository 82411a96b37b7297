// The composite source in-process, with substitute ipvsadm/ip binaries and a keepalived stand-in.
import { execFileSync } from "node:child_process";
import { appendFileSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentEvent, DirectorId, RealServerKey, ServiceKey } from "@lvsdeck/protocol";
import { createLogger } from "@lvsdeck/log";
import { openRealSource } from "../src/sources/openSource";
import type { RealSourceConfig } from "../src/sources/openSource";
import { createFakeDirector, ipAddrJson, recordedFailures, startFakeKeepalived } from "./fakes";
import type { FakeDirector, FakeKeepalived } from "./fakes";

const service = "TCP 10.0.0.100:80" as ServiceKey;
const realServer = "10.0.0.12:8080" as RealServerKey;
/** How long an event, a FIFO open or a reload may take to be seen. */
const SEEN_WITHIN_MS = 3_000;
const seen = { timeout: SEEN_WITHIN_MS, interval: 10 };
/** Whether this process holds `path` open (the agent's FIFO follower opens it at its next poll). */
const openHere = (path: string) =>
  readdirSync("/proc/self/fd").some((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  });

describe("real director source", () => {
  let fake: FakeDirector;
  let keepalived: FakeKeepalived;
  let sources: Array<{ close(): Promise<void> }> = [];
  const open = (overrides: Partial<RealSourceConfig> = {}) => {
    const source = openRealSource({
      director: "lvs-dir-01" as DirectorId,
      kinds: ["ipvsadm", "keepalived"],
      ipvsadm: fake.ipvsadm,
      procRoot: fake.procRoot,
      ip: fake.ip,
      keepalivedPidFile: keepalived.pidFile,
      keepalivedJson: keepalived.jsonPath,
      keepalivedJsonSignal: 36,
      keepalivedData: null,
      keepalivedDataSignal: 10,
      keepalivedFifos: [join(fake.dir, "notify.log")],
      keepalivedRefreshMs: 60_000,
      weightMode: "runtime",
      keepalivedWeightsFile: null,
      log: createLogger("test", true),
      ...overrides,
    });
    sources.push(source);
    return source;
  };

  beforeEach(async () => {
    fake = createFakeDirector();
    keepalived = await startFakeKeepalived(fake.dir, "b-backup.json");
  });
  afterEach(async () => {
    await Promise.all(sources.map((s) => s.close()));
    sources = [];
    await keepalived.kill();
    rmSync(fake.dir, { recursive: true, force: true });
  });

  it("edits a weight with exactly the right argv, resending forwarding and thresholds, and returns the re-read weight", async () => {
    const source = open();
    expect(source.capabilities).toEqual(["set-weight", "connections-query"]);
    expect(source.kinds).toEqual(["ipvsadm", "keepalived"]);
    await expect(source.setWeight(service, realServer, 5)).resolves.toBe(5);
    expect(fake.edits()).toEqual([["-e", "-t", "10.0.0.100:80", "-r", "10.0.0.12:8080", "-m", "-w", "5", "-x", "0", "-y", "0"]]);
    const after = await source.read();
    expect(after.services.find((s) => s.key === service)?.realServers.find((r) => r.key === realServer)).toMatchObject({ weight: 5, weightSource: "operator", weightMode: "runtime" });
  });

  it("reports the sync daemons ipvsadm lists and the entries of ip_vs_conn_sync by origin, and no count without a daemon", async () => {
    const source = open({ kinds: ["ipvsadm", "procfs", "keepalived"] });
    expect((await source.read()).connectionSync).toEqual({ daemons: [], entries: null });
    writeFileSync(join(fake.dir, "daemon.txt"), "backup sync daemon (mcast=eth1, syncid=7, maxlen=1472)\n");
    writeFileSync(
      join(fake.procRoot, "net", "ip_vs_conn_sync"),
      [
        "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires",
        "TCP C6336407 C93A 0A000064 0050 0A00000B 1F90 ESTABLISHED SYNC       170",
        "TCP C6336409 C990 0A000064 0050 0A00000C 1F90 ESTABLISHED SYNC       171",
        "TCP C633640A C991 0A000064 0050 0A00000C 1F90 ESTABLISHED LOCAL      898",
        "",
      ].join("\n"),
    );
    await expect
      .poll(async () => (await source.read()).connectionSync, seen)
      .toEqual({ daemons: [{ role: "backup", interface: "eth1", syncId: 7, maxlen: 1472, group: null, port: null, ttl: null }], entries: { local: 1, synced: 2, countedAt: expect.any(Number) } });
  });

  it("reads connection sync as not known when ipvsadm cannot list the daemons, never as no daemon", async () => {
    writeFileSync(join(fake.dir, "daemon.rc"), "255");
    const source = open();
    expect((await source.read()).connectionSync).toEqual({ daemons: null, entries: null });
    rmSync(join(fake.dir, "daemon.rc"));
    writeFileSync(join(fake.dir, "daemon.txt"), "garbage that is no daemon\nmaster sync daemon (mcast=eth0, syncid=1)\n");
    expect((await source.read()).connectionSync?.daemons).toMatchObject([{ role: "master", syncId: 1 }]);
  });

  it("offers planned failover only with a failover file, and holds and releases through it", async () => {
    expect(open().capabilities).not.toContain("planned-failover");
    const file = join(fake.dir, "failover");
    const source = open({ failoverFile: file });
    expect(source.capabilities).toContain("planned-failover");
    await expect(source.holdFailover!(true)).resolves.toMatch(/^wrote -253 to .*failover: keepalived drops every instance tracking lvsdeck_failover to priority 1/);
    expect(readFileSync(file, "utf8")).toBe("-253\n");
    await expect(source.holdFailover!(false)).resolves.toMatch(/^wrote 0 to /);
    expect(readFileSync(file, "utf8")).toBe("0\n");
    const nowhere = open({ failoverFile: join(fake.dir, "missing-dir", "failover") });
    await expect(nowhere.holdFailover!(true)).rejects.toThrow(/cannot write the failover file .*missing-dir\/failover \(set --failover-file/);
  });

  it("turns ipvsadm's exit 255 'No such destination' into a clear error", async () => {
    const failure = recordedFailures().find((f) => f.stderr.includes("No such destination"));
    if (failure === undefined) throw new Error("errors.txt has no 'No such destination' case");
    fake.refuseEdits(failure);
    await expect(open().setWeight(service, realServer, 5)).rejects.toThrow(
      "the virtual service or real server does not exist (any more): No such destination (exit 255)",
    );
  });

  it("turns exit 2 into a bad-arguments error", async () => {
    const failure = recordedFailures().find((f) => f.rc === 2);
    if (failure === undefined) throw new Error("errors.txt has no exit-2 case");
    fake.refuseEdits(failure);
    await expect(open().setWeight(service, realServer, 5)).rejects.toThrow("ipvsadm rejected the command line: illegal weight specified (exit 2)");
  });

  it("refuses to edit a real server that is not in the table, without running ipvsadm -e", async () => {
    await expect(open().setWeight(service, "10.0.0.99:80" as RealServerKey, 1)).rejects.toThrow("no real server 10.0.0.99:80 in TCP 10.0.0.100:80");
    expect(fake.edits()).toEqual([]);
  });

  it("counts connection states from /proc/net/ip_vs_conn's bytes where /proc is read, as the full parser counts them", async () => {
    const source = open({ kinds: ["procfs", "keepalived"] });
    const table = await source.countStates?.();
    // Connections (client port not 0000) to 10.0.0.11:8080 behind 10.0.0.100:80, by state; templates apart.
    const expected: Record<string, number> = {};
    let templates = 0;
    for (const line of readFileSync(join(fake.procRoot, "net", "ip_vs_conn"), "utf8").split("\n")) {
      const p = line.trim().split(/\s+/);
      if (p[3] !== "0A000064" || p[4] !== "0050") continue;
      if (p[2] === "0000") templates++;
      else if (p[0] === "TCP" && p[5] === "0A00000B" && p[6] === "1F90") expected[p[7]!] = (expected[p[7]!] ?? 0) + 1;
    }
    expect(Object.keys(expected).length).toBeGreaterThan(0);
    expect(table?.byService.get("TCP 10.0.0.100:80")?.realServers.get("10.0.0.11:8080")).toEqual(expected);
    expect(table?.byService.get("TCP 10.0.0.100:80")?.templates).toBe(templates);
    expect(table?.unreadable).toBe(0);
  });

  it("has no set-weight without ipvsadm", async () => {
    const source = open({ kinds: ["procfs", "keepalived"] });
    expect(source.capabilities).toEqual(["connections-query"]);
    await expect(source.setWeight(service, realServer, 5)).rejects.toThrow("setting weights needs ipvsadm");
  });

  it.each(["ipvsadm", "procfs"] as const)("answers a filtered, paged connection query from %s", async (kind) => {
    const source = open({ kinds: [kind, "keepalived"] });
    const all = await source.queryConnections!({ offset: 0, limit: 5 });
    expect(all.rows).toHaveLength(5);
    expect(all.total).toBeGreaterThan(5);
    const established = await source.queryConnections!({ state: "ESTABLISHED", offset: 0, limit: 500 });
    expect(established.total).toBeGreaterThan(0);
    expect(established.rows.every((r) => r.state === "ESTABLISHED")).toBe(true);
    expect(all.topClients.length).toBeGreaterThan(0);
  });

  it("pushes a FIFO line as a vrrp-transition event at once", async () => {
    const source = open();
    const events: AgentEvent[] = [];
    source.onEvent((e) => events.push(e));
    writeFileSync(join(fake.dir, "notify.log"), "");
    const first = await source.read();
    expect(first.vrrp.find((i) => i.name === "VI_1")?.state).toBe("BACKUP");
    const written = Date.now();
    appendFileSync(join(fake.dir, "notify.log"), 'INSTANCE "VI_1" MASTER 200\n');
    await expect.poll(() => events.some((e) => e.kind === "vrrp-transition"), seen).toBe(true);
    const event = events.find((e) => e.kind === "vrrp-transition");
    expect(event).toMatchObject({ instance: "VI_1", vrid: 51, from: "BACKUP", to: "MASTER", priority: 200 });
    // Stamped when the line arrived (the same clock, so no millisecond race), and seen long before the 60 s refresh.
    expect(event?.at).toBeGreaterThanOrEqual(written);
    expect(event?.at).toBeLessThanOrEqual(Date.now());
  });

  it("reports priority lines as vrrp-priority events, and a lower-priority advert heard as MASTER once a minute per instance", async () => {
    keepalived.useDump("a-master.json");
    const source = open();
    const events: AgentEvent[] = [];
    source.onEvent((e) => events.push(e));
    writeFileSync(join(fake.dir, "notify.log"), "");
    await source.read();
    // In a split brain keepalived writes MASTER_RX_LOWER_PRI for every advert it hears: one a second.
    appendFileSync(join(fake.dir, "notify.log"), 'INSTANCE "VI_1" MASTER_RX_LOWER_PRI 200\n'.repeat(5) + 'INSTANCE "VI web" MASTER_RX_LOWER_PRI 200\nINSTANCE "VI_1" MASTER_PRIORITY 150\n');
    await expect.poll(() => events.some((e) => e.kind === "vrrp-priority" && e.change === "changed"), seen).toBe(true);
    const priority = events.filter((e) => e.kind === "vrrp-priority");
    expect(priority.map((e) => e.kind === "vrrp-priority" && `${e.instance} ${e.change} ${e.from}→${e.to}`)).toEqual([
      "VI_1 lower-advert-heard null→200",
      "VI web lower-advert-heard null→200",
      "VI_1 changed 200→150",
    ]);
    expect((await source.read()).vrrp.find((i) => i.name === "VI_1")?.effectivePriority).toBe(150);
  });

  it("lays the data dump's tracks, master and down timer over the JSON dump's instance, with its counters", async () => {
    await keepalived.kill();
    keepalived = await startFakeKeepalived(fake.dir, "b-backup.json", { data: "b-backup.data" });
    const source = open({ keepalivedData: keepalived.dataPath });
    const [instance] = (await source.read()).vrrp;
    expect(instance).toMatchObject({
      name: "VI_1",
      masterRouter: "198.51.100.11",
      masterPriority: 200,
      sourceAddress: "198.51.100.12",
      downTimerMs: 3609.375,
      tracks: [{ kind: "file", name: "tf_prio", status: "good", effect: 0 }],
      counters: { advertRcvd: expect.any(Number) as number, priZeroRcvd: expect.any(Number) as number },
    });
  });

  it("follows a real named pipe across writers that open, write and close it", async () => {
    const fifo = join(fake.dir, "vrrp.fifo");
    execFileSync("mkfifo", [fifo]);
    const source = open({ keepalivedFifos: [fifo] });
    const events: AgentEvent[] = [];
    source.onEvent((e) => events.push(e));
    await source.read();
    // The writer below blocks this process until the FIFO has a reader: that reader must be open first.
    await expect.poll(() => openHere(fifo), seen).toBe(true);
    execFileSync("sh", ["-c", `echo 'INSTANCE "VI_1" MASTER 200' > ${fifo}`]);
    await expect.poll(() => events.some((e) => e.kind === "vrrp-transition"), seen).toBe(true);
    execFileSync("sh", ["-c", `echo 'INSTANCE "VI web" MASTER 100' > ${fifo}`]);
    await expect.poll(() => events.filter((e) => e.kind === "vrrp-transition").length, seen).toBe(2);
    expect(events.filter((e) => e.kind === "vrrp-transition").map((e) => e.kind === "vrrp-transition" && e.instance)).toEqual(["VI_1", "VI web"]);
  });

  it("reports a killed keepalived at once: running=false, an event, and no MASTER", async () => {
    keepalived.useDump("a-master.json");
    const source = open();
    const events: AgentEvent[] = [];
    source.onEvent((e) => events.push(e));
    const before = await source.read();
    expect(before.keepalived.running).toBe(true);
    expect(before.vrrp.map((i) => i.state)).toEqual(["MASTER", "MASTER"]);
    await keepalived.kill();
    await expect.poll(() => events.some((e) => e.kind === "keepalived"), seen).toBe(true);
    expect(events.find((e) => e.kind === "keepalived")).toMatchObject({ running: false });
    const after = await source.read();
    expect(after.keepalived).toMatchObject({ running: false, pid: null });
    expect(after.vrrp.map((i) => i.state)).toEqual(["STOP", "STOP"]);
  });

  it("keeps STOP lines that arrive while keepalived writes a dump, and sends no dump signal to a stopping keepalived", async () => {
    keepalived.useDump("a-master.json");
    const source = open({ keepalivedRefreshMs: 0 });
    let changes = 0;
    source.onChange?.(() => (changes += 1));
    writeFileSync(join(fake.dir, "notify.log"), "");
    expect((await source.read()).vrrp.map((i) => i.state)).toEqual(["MASTER", "MASTER"]);
    // The next read asks for a dump (refresh every read) and answers at once; keepalived stops while writing it.
    keepalived.slowDumps(0.6);
    const signalled = keepalived.jsonSignals();
    expect((await source.read()).vrrp.map((i) => i.state)).toEqual(["MASTER", "MASTER"]);
    await expect.poll(() => keepalived.jsonSignals(), seen).toBe(signalled + 1);
    appendFileSync(join(fake.dir, "notify.log"), 'INSTANCE "VI_1" STOP 205\nINSTANCE "VI web" STOP 200\n');
    // The dump written meanwhile is older than the lines: when it lands, the pushed STOPs stay.
    await expect.poll(() => changes, seen).toBeGreaterThanOrEqual(1);
    expect((await source.read()).vrrp.map((i) => i.state)).toEqual(["STOP", "STOP"]);
    // Its process is still alive (keepalived's parent outlives its VRRP child for a moment): no dump
    // signal now brings back the MASTER it had.
    await keepalived.settled();
    const dumps = statSync(keepalived.jsonPath).mtimeMs;
    const signals = keepalived.jsonSignals();
    expect((await source.read()).vrrp.map((i) => i.state)).toEqual(["STOP", "STOP"]);
    await keepalived.settled();
    expect(keepalived.jsonSignals()).toBe(signals);
    expect(statSync(keepalived.jsonPath).mtimeMs).toBe(dumps);
  });

  it("sends a FIFO transition while keepalived is still writing a dump, not after it, and tells when the dump lands", async () => {
    const warnings: string[] = [];
    const log = { info: () => undefined, warn: (m: string) => void warnings.push(m), error: (m: string) => void warnings.push(m) };
    const source = open({ keepalivedRefreshMs: 0, log });
    let changes = 0;
    source.onChange?.(() => (changes += 1));
    writeFileSync(join(fake.dir, "notify.log"), "");
    // The first dump of a keepalived is waited for: without it there is nothing to send.
    expect((await source.read()).vrrp.find((i) => i.name === "VI_1")?.state).toBe("BACKUP");
    // A busy keepalived: the next dump is not written before the agent gives up on it.
    keepalived.slowDumps(60);
    const signalled = keepalived.jsonSignals();
    expect((await source.read()).vrrp.find((i) => i.name === "VI_1")?.state).toBe("BACKUP");
    await expect.poll(() => keepalived.jsonSignals(), seen).toBe(signalled + 1);
    appendFileSync(join(fake.dir, "notify.log"), 'INSTANCE "VI_1" MASTER 200\n');
    await expect.poll(async () => (await source.read()).vrrp.find((i) => i.name === "VI_1")?.state, seen).toBe("MASTER");
    // Read before the agent gave up on the dump: no read queued behind it.
    expect(warnings.filter((w) => w.includes("dump"))).toEqual([]);
    expect(changes).toBe(0);
    // When it gives up, the listener hears so (the next snapshot goes out), and the pushed state stands.
    await expect.poll(() => changes, { timeout: 3 * SEEN_WITHIN_MS, interval: 20 }).toBeGreaterThanOrEqual(1);
    expect(warnings.some((w) => w.includes("JSON dump"))).toBe(true);
    expect((await source.read()).vrrp.find((i) => i.name === "VI_1")?.state).toBe("MASTER");
  });

  it("reads VRRP instances from the data dump when keepalived does not answer SIGJSON, and stops sending it", async () => {
    await keepalived.kill();
    keepalived = await startFakeKeepalived(fake.dir, "b-backup.json", { json: false, data: "b-backup.data" });
    // Refresh at every read, so the second read asks for dumps again.
    const source = open({ keepalivedData: keepalived.dataPath, keepalivedRefreshMs: 0 });
    const first = await source.read();
    expect(first.vrrp.map((i) => [i.name, i.state])).toEqual([["VI_1", "BACKUP"], ["VI web", "BACKUP"]]);
    expect(first.vrrp[0]?.lastTransitionAt).not.toBeNull();
    expect(keepalived.jsonSignals()).toBe(1);
    const second = await source.read();
    expect(second.vrrp.map((i) => i.state)).toEqual(["BACKUP", "BACKUP"]);
    await keepalived.settled();
    expect(keepalived.jsonSignals()).toBe(1);
  });

  it("reports VIP presence from ip -j addr, only for keepalived's VIPs", async () => {
    writeFileSync(join(fake.dir, "ip-addr.json"), JSON.stringify(ipAddrJson(["198.51.100.12", "198.51.100.101"])));
    expect((await open().read()).vipsPresent).toEqual(["198.51.100.101"]);
  });

  it("marks a health-checked server at weight 0 as health-check, from RS FIFO lines", async () => {
    const source = open();
    const events: AgentEvent[] = [];
    source.onEvent((e) => events.push(e));
    writeFileSync(join(fake.dir, "notify.log"), "");
    await source.read();
    appendFileSync(join(fake.dir, "notify.log"), "RS [10.0.0.21]:tcp:80 [10.0.0.100]:tcp:80 DOWN\n");
    await expect.poll(() => events.some((e) => e.kind === "health"), seen).toBe(true);
    const rs = (await source.read()).services.find((s) => s.key === service)?.realServers.find((r) => r.key === "10.0.0.21:80");
    expect(rs).toMatchObject({ weight: 0, health: "down", weightSource: "health-check" });
  });

  describe("weight mode keepalived", () => {
    const weightsConf = `virtual_server 10.0.0.100 80 {
    lb_algo wrr
    lb_kind NAT
    protocol TCP
    real_server 10.0.0.12 8080 {
        weight 1
        inhibit_on_failure
    }
}
`;
    it("writes the weight into the agent's include file, reloads keepalived and says so in the snapshot", async () => {
      const file = join(fake.dir, "lvsdeck-weights.conf");
      writeFileSync(file, weightsConf);
      const source = open({ weightMode: "keepalived", keepalivedWeightsFile: file });
      expect(source.weightMode).toBe("keepalived");
      await expect(source.setWeight(service, realServer, 5)).resolves.toBe(5);
      expect(readFileSync(file, "utf8")).toBe(weightsConf.replace("weight 1", "weight 5"));
      await expect.poll(() => keepalived.reloads(), seen).toBe(1);
      const rs = (await source.read()).services.find((s) => s.key === service)?.realServers;
      expect(rs?.find((r) => r.key === realServer)).toMatchObject({ weight: 5, weightMode: "keepalived", weightSource: "operator" });
      expect(rs?.find((r) => r.key === "10.0.0.11:8080")).toMatchObject({ weightMode: "runtime" });
    });

    it("touches nothing when the real server is not in the include file", async () => {
      const file = join(fake.dir, "lvsdeck-weights.conf");
      writeFileSync(file, weightsConf);
      await expect(open({ weightMode: "keepalived", keepalivedWeightsFile: file }).setWeight(service, "10.0.0.11:8080" as RealServerKey, 5)).rejects.toThrow(
        "real_server 10.0.0.11:8080 of TCP 10.0.0.100:80 is not in the weights file",
      );
      expect(fake.edits()).toEqual([]);
      expect(keepalived.reloads()).toBe(0);
    });

    it("puts the file back when ipvsadm refuses the edit", async () => {
      const file = join(fake.dir, "lvsdeck-weights.conf");
      writeFileSync(file, weightsConf);
      const failure = recordedFailures().find((f) => f.stderr.includes("No such destination"));
      if (failure !== undefined) fake.refuseEdits(failure);
      await expect(open({ weightMode: "keepalived", keepalivedWeightsFile: file }).setWeight(service, realServer, 5)).rejects.toThrow("No such destination");
      expect(readFileSync(file, "utf8")).toBe(weightsConf);
      expect(keepalived.reloads()).toBe(0);
    });
  });
});
