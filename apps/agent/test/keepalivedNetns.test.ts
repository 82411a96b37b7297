// Real keepalived 2.2.7 doing VRRP in network namespaces (root only): the keepalived source must see
// MASTER/BACKUP and a failover. Namespaces lvsdk-agent-*, addresses only in 198.51.100.0/24.
import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { AgentEvent, DirectorId, DirectorSnapshot } from "@lvsdeck/protocol";
import { createLogger } from "@lvsdeck/log";
import { openRealSource } from "../src/sources/openSource";

const isRoot = process.getuid?.() === 0;
const hasKeepalived = existsSync("/usr/sbin/keepalived") || existsSync("/sbin/keepalived");
const NAMESPACES = ["lvsdk-agent-d1", "lvsdk-agent-d2", "lvsdk-agent-br"];
/** Long enough for an election: 3 x advert_int plus skew, with margin. */
const ELECTION_MS = 8_000;
/** How far keepalived's last_transition may follow its FIFO line's arrival at the agent (see the takeover test). */
const NOTIFIED_BEFORE_STAMPED_MS = 100;

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: "pipe" });
/** How often a condition on the daemons is looked at again. */
const POLL_MS = 200;

describe("keepalived source against real keepalived in network namespaces", () => {
  const work = isRoot ? mkdtempSync("/var/tmp/lvsdk-agent-") : "";
  const daemons: ChildProcess[] = [];
  const sources: Array<{ close(): Promise<void> }> = [];

  afterAll(async () => {
    await Promise.all(sources.map((s) => s.close()));
    for (const d of ["d1", "d2"]) {
      const pidFile = join(work, `${d}.pid`);
      if (existsSync(pidFile)) try { process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL"); } catch { /* already gone */ }
    }
    for (const child of daemons) child.kill("SIGKILL");
    for (const ns of NAMESPACES) try { run("ip", ["netns", "del", ns]); } catch { /* not created */ }
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  function setUpNetwork() {
    for (const ns of NAMESPACES) try { run("ip", ["netns", "del", ns]); } catch { /* left from nothing */ }
    run("ip", ["netns", "add", "lvsdk-agent-br"]);
    run("ip", ["-n", "lvsdk-agent-br", "link", "add", "br0", "type", "bridge"]);
    run("ip", ["-n", "lvsdk-agent-br", "link", "set", "br0", "up"]);
    ["d1", "d2"].forEach((d, i) => {
      const ns = `lvsdk-agent-${d}`;
      run("ip", ["netns", "add", ns]);
      run("ip", ["link", "add", `lvsdka-${d}`, "type", "veth", "peer", "name", "eth0", "netns", ns]);
      run("ip", ["link", "set", `lvsdka-${d}`, "netns", "lvsdk-agent-br"]);
      run("ip", ["-n", "lvsdk-agent-br", "link", "set", `lvsdka-${d}`, "master", "br0"]);
      run("ip", ["-n", "lvsdk-agent-br", "link", "set", `lvsdka-${d}`, "up"]);
      run("ip", ["-n", ns, "link", "set", "lo", "up"]);
      run("ip", ["-n", ns, "link", "set", "eth0", "up"]);
      run("ip", ["-n", ns, "addr", "add", `198.51.100.${21 + i}/24`, "dev", "eth0"]);
    });
  }

  function startKeepalived(d: string, priority: number) {
    const conf = join(work, `${d}.conf`);
    writeFileSync(conf, `global_defs {
  router_id lvsdk-agent-${d}
  vrrp_notify_fifo ${work}/${d}.fifo
}
vrrp_instance VI_CLUSTER {
  state BACKUP
  interface eth0
  virtual_router_id 88
  priority ${priority}
  advert_int 1
  virtual_ipaddress {
    198.51.100.100/24
  }
}
`);
    // A private /tmp per daemon: keepalived dumps to $TMPDIR/keepalived.json, and the test run's own
    // TMPDIR (a folder per run) must not send both daemons' dumps to one place.
    const script = `mount -t tmpfs tmpfs /tmp && exec keepalived -s lvsdk-agent-${d} -f ${conf} -p ${work}/${d}.pid -r ${work}/${d}.vrrp.pid -c ${work}/${d}.chk.pid --dont-fork --log-console --vrrp`;
    daemons.push(spawn("unshare", ["-m", "--propagation", "private", "sh", "-c", script], { stdio: "ignore", env: { ...process.env, TMPDIR: "/tmp" } }));
    const ip = join(work, `ip-${d}`);
    writeFileSync(ip, `#!/bin/sh\nexec ip -n lvsdk-agent-${d} "$@"\n`);
    chmodSync(ip, 0o755);
  }

  async function openSource(d: string) {
    const pidFile = join(work, `${d}.pid`);
    await vi.waitFor(() => expect(existsSync(pidFile)).toBe(true), { timeout: 5_000, interval: 50 });
    const pid = Number(readFileSync(pidFile, "utf8"));
    const source = openRealSource({
      director: `lvs-${d}` as DirectorId,
      kinds: ["keepalived"],
      ipvsadm: "/sbin/ipvsadm",
      procRoot: "/proc",
      ip: join(work, `ip-${d}`),
      keepalivedPidFile: pidFile,
      keepalivedJson: `/proc/${pid}/root/tmp/keepalived.json`,
      keepalivedJsonSignal: Number(run("keepalived", ["--signum=JSON"]).toString().trim()),
      keepalivedData: null,
      keepalivedDataSignal: 10,
      keepalivedFifos: [join(work, `${d}.fifo`)],
      keepalivedRefreshMs: 1_000,
      weightMode: "runtime",
      keepalivedWeightsFile: null,
      log: createLogger(`netns ${d}`, true),
    });
    sources.push(source);
    return source;
  }

  /** Reads a source until its snapshot meets `check`; the error names the last states seen. */
  function until(read: () => Promise<DirectorSnapshot>, check: (s: DirectorSnapshot) => boolean, ms: number): Promise<DirectorSnapshot> {
    return vi.waitFor(async () => {
      const snapshot = await read();
      if (!check(snapshot)) throw new Error(`not reached: ${JSON.stringify(snapshot.vrrp.map((i) => i.state))} vips ${JSON.stringify(snapshot.vipsPresent)}`);
      return snapshot;
    }, { timeout: ms, interval: POLL_MS });
  }

  /** keepalived's own `last_transition` (epoch seconds, microsecond digits) for one instance, read from its JSON dump. */
  function dumpedLastTransition(d: string, instance: string): number | undefined {
    const pid = Number(readFileSync(join(work, `${d}.pid`), "utf8"));
    const dump = JSON.parse(readFileSync(`/proc/${pid}/root/tmp/keepalived.json`, "utf8")) as Array<{ data: { iname: string; last_transition: number } }>;
    return dump.find((entry) => entry.data.iname === instance)?.data.last_transition;
  }

  it.runIf(isRoot && hasKeepalived)("sees MASTER and BACKUP, then the BACKUP taking over when the MASTER's keepalived stops", async () => {
    setUpNetwork();
    startKeepalived("d1", 200);
    startKeepalived("d2", 100);
    const d1 = await openSource("d1");
    const d2 = await openSource("d2");
    const d2Events: AgentEvent[] = [];
    d2.onEvent((e) => d2Events.push(e));
    const d1Events: AgentEvent[] = [];
    d1.onEvent((e) => d1Events.push(e));

    const master = await until(() => d1.read(), (s) => s.vrrp[0]?.state === "MASTER" && s.vipsPresent.includes("198.51.100.100"), ELECTION_MS);
    expect(master.vrrp[0]).toMatchObject({ name: "VI_CLUSTER", vrid: 88, basePriority: 200 });
    expect(master.keepalived.running).toBe(true);
    const backup = await until(() => d2.read(), (s) => s.vrrp[0]?.state === "BACKUP", ELECTION_MS);
    expect(backup.vipsPresent).toEqual([]);

    const killedAt = Date.now();
    process.kill(Number(readFileSync(join(work, "d1.pid"), "utf8")), "SIGTERM");
    const taken = await until(() => d2.read(), (s) => s.vrrp[0]?.state === "MASTER" && s.vipsPresent.includes("198.51.100.100"), ELECTION_MS);
    expect(taken.vrrp[0]?.state).toBe("MASTER");
    expect(d2Events).toContainEqual(expect.objectContaining({ kind: "vrrp-transition", instance: "VI_CLUSTER", from: "BACKUP", to: "MASTER" }));
    // The FIFO line has no time; keepalived's own last_transition arrives with the JSON dump read after
    // it, just before the line reached the agent: what the hub stores as the transition's keepalivedAt.
    const line = d2Events.find((e) => e.kind === "vrrp-transition" && e.to === "MASTER");
    // The takeover happened after the kill: a dump still showing the INIT → BACKUP time of a few seconds
    // before is an older dump, not this transition's (seen once in CI when the election was quick).
    const dumped = await until(() => d2.read(), (s) => (s.vrrp[0]?.lastTransitionAt ?? 0) >= killedAt - 1, ELECTION_MS);
    const keepalivedAt = dumped.vrrp[0]?.lastTransitionAt ?? 0;
    // keepalived stamps last_transition after it has sent the instance's notifies, the FIFO line among
    // them (vrrp_state_become_master), so the line can reach the agent a little before that time: 2 ms
    // once in CI. A dump of a later transition, the mistake this guards against, would be seconds later.
    expect(keepalivedAt).toBeLessThanOrEqual((line?.at ?? 0) + NOTIFIED_BEFORE_STAMPED_MS);
    // Proof that the time is keepalived's and not the agent's clock: it is exactly what keepalived wrote in
    // its dump (rounded from microseconds). Comparing it with the agent's reading time proves nothing,
    // since both can fall in the same millisecond.
    const written = dumpedLastTransition("d2", "VI_CLUSTER");
    expect(written).toBeDefined();
    expect(keepalivedAt).toBe(Math.round((written ?? 0) * 1000));
    const stopped = await until(() => d1.read(), (s) => !s.keepalived.running, ELECTION_MS);
    expect(stopped.vrrp.every((i) => i.state !== "MASTER")).toBe(true);
    expect(d1Events).toContainEqual(expect.objectContaining({ kind: "keepalived", running: false }));
  }, 40_000);
});
