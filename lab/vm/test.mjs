// `npm run test:lab:vm`: the unmodified agent against the real kernel's IPVS and real keepalived 2.2.7.
// Starts a hub on the host (free port, temporary data), boots the lab VM, and checks, through the
// hub's REST API and the VM's control channel (guest/control.sh):
//   1 the agent's snapshot equals ipvsadm's listings taken around it
//   2 a weight sent to the hub reaches the kernel and the traffic follows it
//   3 a stopped httpd fails keepalived's TCP_CHECK: health event + removal in the hub, and back
//   5 what undoes an `ipvsadm -e` weight on keepalived 2.2.7, and whether keepalived weight mode survives it
//   6 keepalived's checker view: inhibit_on_failure, a lost quorum with its sorry server, a frozen checker; no twos on 6.1
//   4 stopping the MASTER's keepalived moves the VIP and the hub shows the BACKUP as MASTER
//   7 a weight above 65535 set in keepalived's config, in the kernel and in the hub
//   8 keepalived's lvs_sync_daemon: the daemons' roles in the hub, synced entries counted as the kernel lists them
// (5, 6 and 8 run before 4: 4 stops a director; 7 runs last.) LAB_CAPTURE=1 saves the sync listings as parser fixtures. Prints `N passed, M failed` last; exits 1 on any failure.
// Env: LAB_KEEP=1 keeps the VM's work dir (console log); LAB_VERBOSE=1 echoes guest commands.
import { writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { buildImage, bootVm } from "./lib/vm.mjs";
import { startHub, hubClient } from "./lib/hub.mjs";
import { readTables, readConnections, sections } from "./lib/ipvsText.mjs";
import { parseCommandLine } from "../../scripts/commandLine.mjs";

parseCommandLine(
  "npm run test:lab:vm",
  `usage: npm run test:lab:vm
The unmodified agent against the real kernel's IPVS and real keepalived in a QEMU VM: snapshots equal
ipvsadm, weights reach the kernel, checker failures, failover, keepalived's checker view, big weights.
Prints "N passed, M failed" last; exits 1 on any failure.
Env: LAB_KEEP=1 keeps the VM's work dir (console log); LAB_VERBOSE=1 echoes guest commands.`,
);

/** Hard limit of the whole run (ms): CI must never hang on a stuck VM. */
const RUN_LIMIT_MS = 300_000;
/** Agent tick in the VM (ms): 1 s ticks with two agents saturate a 2-vCPU TCG guest. */
const AGENT_TICK_MS = 2000;
/** New connections the share after the weight change is judged by (it must be 0.75 ± 0.10). */
const CONNECTIONS_TO_JUDGE = 40;
/** How long the client may take to open them (about 6 a second, slower under TCG) (ms). */
const CONNECTIONS_MS = 45_000;
/** After a server is back, how long its weight must hold before it is read as keepalived's last word (ms). */
const WEIGHT_SETTLES_MS = 1000;
const DIR_A = "lvs-dir-01";
const DIR_B = "lvs-dir-02";
const WEB = "TCP 198.51.100.100:80";
const SEED = "TCP 198.51.100.100:443";
const RS1_WEB = "203.0.113.11:80";
const RS2_WEB = "203.0.113.12:80";
const RS1_SEED = "203.0.113.11:443";
const TOKEN = "lab-test-token";
const INHIBIT = "TCP 198.51.100.100:8081";
const QUORUM = "TCP 198.51.100.100:8082";

const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
const log = (m) => process.stderr.write(`[${secs()}s] ${m}\n`);
const results = [];
const timings = {};
let hub = null;
let vm = null;

const watchdog = setTimeout(() => {
  log(`run limit of ${RUN_LIMIT_MS / 1000} s reached: stopping`);
  finish(true);
}, RUN_LIMIT_MS);

async function test(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    log(`PASS ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (err) {
    results.push({ name, ok: false, error: err });
    log(`FAIL ${name} (${((Date.now() - started) / 1000).toFixed(1)} s): ${err.stack ?? err}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}
/** Polls fn until it returns a truthy value or the deadline passes. */
async function until(what, fn, timeoutMs, everyMs = 500) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err.message;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)?.slice(0, 300)})`);
    await sleep(everyMs);
  }
}

const guest = (cmd, timeoutMs) => vm.control.check(cmd, timeoutMs);
const director = (cluster, id) => cluster.directors.find((d) => d.id === id);
const service = (snapshot, key) => snapshot?.services.find((s) => s.key === key);
const realServer = (snapshot, svc, rs) => service(snapshot, svc)?.realServers.find((r) => r.key === rs);
const waitWeight = (d, svc, rs, want, ms = 20_000) => until(`${d} ${rs} weight ${want}`, async () => (await kernelWeight(d, svc, rs)) === want, ms, 400);
const kernelWeight = async (dir, svc, rs) => (await guest(`weight_of ${dir} ${svc.split(" ")[1]} ${rs}`)).trim();

async function finish(aborted = false) {
  clearTimeout(watchdog);
  if (aborted) results.push({ name: "run finished within the time limit", ok: false, error: new Error("aborted") });
  try {
    if (vm && process.env.LAB_VERBOSE) log((await vm.control.run("tail -n 30 /var/log/lab/lvs-dir-01-agent.log", 5000)).output);
  } catch {
    // the agent log is a debugging aid; a VM that is already gone has none
  }
  await vm?.stop().catch(() => {});
  await hub?.close().catch(() => {});
  log(`timings (s): ${JSON.stringify(timings)}`);
  const failed = results.filter((r) => !r.ok).length;
  process.stdout.write(`${results.length - failed} passed, ${failed} failed\n`);
  process.exit(failed > 0 ? 1 : 0);
}

// ---- setup ------------------------------------------------------------------------------------
try {
  const image = await buildImage({ log });
  timings.build = image.buildMs / 1000;
  hub = await startHub({ token: TOKEN, log });
  const api = await hubClient(hub.url);
  vm = await bootVm({
    ...image,
    params: { hub: `http://10.0.2.2:${hub.port}`, token: TOKEN, tick: AGENT_TICK_MS, weightmode: "keepalived" },
    timeoutSec: Math.ceil(RUN_LIMIT_MS / 1000) + 20,
    log,
  });
  if (process.env.LAB_VERBOSE) vm.control.run = ((run) => (c, t) => (log(`guest$ ${c}`), run(c, t)))(vm.control.run);
  await vm.control.ready();
  timings.bootToScenario = (Date.now() - vm.started) / 1000;
  log(`scenario up (${timings.bootToScenario} s after QEMU started); console ${vm.consolePath}`);

  await test("both agents connect; lvs-dir-01 is MASTER with traffic, lvs-dir-02 BACKUP", async () => {
    await until("A MASTER, B BACKUP, traffic on A", async () => {
      const c = await api.cluster();
      const a = director(c, DIR_A);
      const b = director(c, DIR_B);
      return a?.connected && b?.connected && a.snapshot?.vrrp[0]?.state === "MASTER" && b.snapshot?.vrrp[0]?.state === "BACKUP" &&
        (service(a.snapshot, WEB)?.stats.conns ?? 0) > 5;
    }, 60_000);
    timings.agentsLive = (Date.now() - vm.started) / 1000;
  });

  // ---- 1 ----------------------------------------------------------------------------------------
  await test("1 the agent's snapshot equals ipvsadm -Ln --stats --exact / -Lnc taken around it", async () => {
    await guest("traffic_pause 2");
    let out;
    try {
      out = await guest(`compare ${DIR_A}`, 60_000);
    } finally {
      await guest("traffic_resume");
    }
    const s = sections(out);
    const before = readTables(s["before.list"], s["before.stats"]);
    const after = readTables(s["after.list"], s["after.stats"]);
    const connsBefore = readConnections(s["before.conns"]);
    const connsAfter = readConnections(s["after.conns"]);
    const snap = JSON.parse(s.snapshot);
    const details = JSON.parse(s.details);
    const between = (what, v, x, y) => assert(v >= Math.min(x, y) && v <= Math.max(x, y), `${what}: agent says ${v}, ipvsadm ${x} before and ${y} after`);
    assert(before.size === 4, `expected 4 services in ipvsadm, got ${[...before.keys()]}`);
    assert(snap.services.map((x) => x.key).sort().join() === [...before.keys()].sort().join(), `services differ: agent ${snap.services.map((x) => x.key)} vs ipvsadm ${[...before.keys()]}`);
    let checked = 0;
    for (const [key, b] of before) {
      const a = after.get(key);
      const sv = service(snap, key);
      assert(sv.scheduler === b.scheduler, `${key}: scheduler ${sv.scheduler} vs ${b.scheduler}`);
      assert((sv.persistence?.timeoutSec ?? null) === b.persistence, `${key}: persistence ${JSON.stringify(sv.persistence)} vs ${b.persistence}`);
      for (const f of Object.keys(b.stats)) between(`${key} ${f}`, sv.stats[f], b.stats[f], a.stats[f]);
      assert(sv.realServers.map((r) => r.key).sort().join() === [...b.rs.keys()].sort().join(), `${key}: real servers differ`);
      for (const [rsKey, r] of b.rs) {
        const ra = a.rs.get(rsKey);
        const ar = sv.realServers.find((x) => x.key === rsKey);
        assert(ar.forwarding === r.forwarding, `${key} ${rsKey}: forwarding ${ar.forwarding} vs ${r.forwarding}`);
        assert(ar.weight === r.weight, `${key} ${rsKey}: weight ${ar.weight} vs ${r.weight}`);
        between(`${key} ${rsKey} activeConns`, ar.activeConns, r.activeConns, ra.activeConns);
        between(`${key} ${rsKey} inactiveConns`, ar.inactiveConns, r.inactiveConns, ra.inactiveConns);
        for (const f of Object.keys(r.stats)) between(`${key} ${rsKey} ${f}`, ar.stats[f], r.stats[f], ra.stats[f]);
        // connection entries by state (-Lnc) against the agent's `details`
        const ds = details.connections.services.find((x) => x.serviceKey === key)?.realServers.find((x) => x.realServerKey === rsKey);
        const ob = connsBefore.get(`${key}|${rsKey}`) ?? {};
        const oa = connsAfter.get(`${key}|${rsKey}`) ?? {};
        for (const state of new Set([...Object.keys(ob), ...Object.keys(oa), ...Object.keys(ds?.byState ?? {})])) {
          between(`${key} ${rsKey} connections in ${state}`, ds?.byState?.[state] ?? 0, ob[state] ?? 0, oa[state] ?? 0);
          checked++;
        }
      }
    }
    assert(checked > 0, "no connection entries to compare: is the client sending traffic?");
    log(`  compared ${before.size} services, ${checked} (server, state) connection counts`);
  });

  // ---- 2 ----------------------------------------------------------------------------------------
  await test("2 a weight sent to the hub reaches the kernel and the traffic follows it", async () => {
    const sent = Date.now();
    const change = await api.setWeight({ service: WEB, realServer: RS1_WEB, weight: 6 });
    // the hub answers once every agent acknowledged (or failed, or timed out)
    timings.weightAnswered = (Date.now() - sent) / 1000;
    log(`  hub answered ${change.state}: ${JSON.stringify(change.results)}`);
    // The kernel is the judge. A hub-side "timeout" is tolerated but reported: in keepalived mode the
    // agent rewrites the config and reloads keepalived, which can outlast the hub's deadline under TCG.
    assert(["applied", "partial", "pending"].includes(change.state), `hub reports the change as ${change.state}`);
    const failed = change.results.filter((r) => r.state === "failed");
    assert(failed.length === 0, `an agent refused the weight: ${JSON.stringify(failed)}`);
    if (change.state !== "applied") log(`  WARNING: hub said ${change.state}; checking the kernels anyway`);
    for (const d of [DIR_A, DIR_B]) await waitWeight(d, WEB, RS1_WEB, "6", 15_000);
    timings.weightInKernel = (Date.now() - sent) / 1000;
    const conns = async () => {
      const a = director(await api.cluster(), DIR_A).snapshot;
      return { takenAt: a.takenAt, rs1: realServer(a, WEB, RS1_WEB).stats.conns, rs2: realServer(a, WEB, RS2_WEB).stats.conns };
    };
    const first = await until("a fresh snapshot", async () => { const c = await conns(); return c.takenAt > sent + 2000 && c; }, 15_000);
    const last = await until(`${CONNECTIONS_TO_JUDGE} new connections to judge by`, async () => {
      const c = await conns();
      return c.rs1 - first.rs1 + (c.rs2 - first.rs2) >= CONNECTIONS_TO_JUDGE && c;
    }, CONNECTIONS_MS);
    const d1 = last.rs1 - first.rs1;
    const d2 = last.rs2 - first.rs2;
    const share = d1 / (d1 + d2);
    log(`  new connections after the change: rs1 ${d1}, rs2 ${d2} (share ${share.toFixed(2)}, expected 0.75)`);
    assert(Math.abs(share - 0.75) <= 0.1, `rs1 got ${share.toFixed(2)} of new connections, expected 0.75 ± 0.10`);
  });

  // ---- 3 ----------------------------------------------------------------------------------------
  await test("3 a stopped httpd fails TCP_CHECK: health event and removal in the hub, then back", async () => {
    const stopped = Date.now();
    await guest("httpd_stop rs2 80");
    const healthEvent = (up) => async () =>
      (await api.events()).events.find((e) => e.director === DIR_A && e.event.kind === "health" && e.event.realServer === RS2_WEB && e.event.up === up && e.receivedAt >= stopped);
    await until("a health-down event from lvs-dir-01", healthEvent(false), 25_000);
    timings.healthDownEvent = (Date.now() - stopped) / 1000;
    // keepalived deletes it from the kernel (no inhibit_on_failure); the hub still shows it: down, not in the table
    const rs = await until("rs2 down and out of the kernel table in the hub's view", async () => {
      const r = realServer(director(await api.cluster(), DIR_A).snapshot, WEB, RS2_WEB);
      return r?.health === "down" && r.inKernel === false && r;
    }, 15_000);
    assert(rs.weight === 2 && rs.activeConns + rs.inactiveConns === 0, `rs2 shown with weight ${rs.weight}, ${rs.activeConns + rs.inactiveConns} connections`);
    assert(rs.checker?.types.includes("TCP_CHECK") && rs.checker.alive === false, `rs2's checker: ${JSON.stringify(rs.checker)}`);
    assert((await kernelWeight(DIR_A, WEB, RS2_WEB)) === "-", "rs2 still in lvs-dir-01's IPVS table");
    const restarted = Date.now();
    await guest("httpd_start rs2 80");
    await until("a health-up event", healthEvent(true), 25_000);
    await until("rs2 back in the kernel table in the hub's view, up with weight 2", async () => {
      const r = realServer(director(await api.cluster(), DIR_A).snapshot, WEB, RS2_WEB);
      return r?.inKernel === true && r.health === "up" && r.weight === 2;
    }, 15_000);
    timings.healthUp = (Date.now() - restarted) / 1000;
  });

  // ---- 5 ----------------------------------------------------------------------------------------
  // Finding: does keepalived 2.2.7 undo `ipvsadm -e`? (observed, recorded in FINDINGS.md)
  const bounce = async (rs, port, svc, rsKey) => {
    await guest(`httpd_stop ${rs} ${port}`);
    await waitWeight(DIR_A, svc, rsKey, "-");
    await guest(`httpd_start ${rs} ${port}`);
    await until(`${rsKey} back`, async () => (await kernelWeight(DIR_A, svc, rsKey)) !== "-", 20_000, 400);
    // A negative check (keepalived does not change the weight again right after the re-add): nothing marks its end.
    await sleep(WEIGHT_SETTLES_MS);
  };
  const finding = {};
  await test("5a keepalived 2.2.7: a health transition re-adds the server with its configured weight (undoes ipvsadm -e)", async () => {
    await guest(`on ${DIR_A} ipvsadm -e -t 198.51.100.100:443 -r ${RS1_SEED} -m -w 5`);
    assert((await kernelWeight(DIR_A, SEED, RS1_SEED)) === "5", "ipvsadm -e did not set 5");
    await bounce("rs1", 443, SEED, RS1_SEED);
    finding.afterHealth = await kernelWeight(DIR_A, SEED, RS1_SEED);
    log(`  after down+up: weight ${finding.afterHealth}`);
    assert(finding.afterHealth === "2", `expected keepalived's configured 2, found ${finding.afterHealth}`);
  });
  await test("5b keepalived 2.2.7: SIGHUP reload with an unchanged config leaves an ipvsadm -e weight alone", async () => {
    await guest(`on ${DIR_A} ipvsadm -e -t 198.51.100.100:443 -r ${RS1_SEED} -m -w 5`);
    await guest(`ka_reload ${DIR_A}; sleep 4`);
    finding.afterReload = await kernelWeight(DIR_A, SEED, RS1_SEED);
    log(`  after SIGHUP: weight ${finding.afterReload}`);
    assert(finding.afterReload === "5", `reload changed the weight to ${finding.afterReload}`);
  });
  await test("5c keepalived weight mode: the operator's weight (6, set through the hub) survives a reload and a health transition", async () => {
    assert((await kernelWeight(DIR_A, WEB, RS1_WEB)) === "6", "weight 6 from test 2 is not in the kernel");
    await guest(`ka_reload ${DIR_A}; sleep 4`);
    assert((await kernelWeight(DIR_A, WEB, RS1_WEB)) === "6", "a reload changed the operator's weight");
    await bounce("rs1", 80, WEB, RS1_WEB);
    const w = await kernelWeight(DIR_A, WEB, RS1_WEB);
    assert(w === "6", `after down+up the weight is ${w}`);
    // The hub catches up at the agent's next tick after the server is back.
    const rs = await until("the hub shows rs1 back at weight 6", async () => {
      const r = realServer(director(await api.cluster(), DIR_A).snapshot, WEB, RS1_WEB);
      return r?.weight === 6 && r;
    }, 10_000, 300);
    log(`  hub: weight ${rs.weight}, source ${rs.weightSource}, mode ${rs.weightMode}`);
    assert(rs.weightMode === "keepalived", `the hub shows weight mode ${rs.weightMode}`);
  });

  // ---- 6 ----------------------------------------------------------------------------------------
  // keepalived's checker view (its checker dump, keepalived_check.data) in the hub, against the kernel table.
  const hubRs = async (svc, rs) => realServer(director(await api.cluster(), DIR_A).snapshot, svc, rs);
  const hubService = async (svc) => service(director(await api.cluster(), DIR_A).snapshot, svc);
  await test("6a inhibit_on_failure: a failed server stays in the kernel at weight 0 and the hub shows it down at weight 0", async () => {
    await guest("httpd_stop rs2 8081");
    try {
      const rs = await until("rs2:8081 down at weight 0 in the hub", async () => {
        const r = await hubRs(INHIBIT, "203.0.113.12:8081");
        return r?.health === "down" && r.weight === 0 && r;
      }, 20_000, 400);
      assert(rs.inKernel === true, `inKernel is ${rs.inKernel}`);
      assert((await kernelWeight(DIR_A, INHIBIT, "203.0.113.12:8081")) === "0", "the kernel does not hold rs2:8081 at weight 0");
    } finally {
      await guest("httpd_start rs2 8081");
    }
    await until("rs2:8081 up again", async () => (await hubRs(INHIBIT, "203.0.113.12:8081"))?.health === "up", 20_000, 400);
  });
  await test("6b quorum 2 lost: the sorry server is in use, both configured servers are out of the table; all down, both down", async () => {
    await guest("httpd_stop rs1 8082");
    try {
      const svc = await until("quorum lost with the sorry server in use in the hub", async () => {
        const s = await hubService(QUORUM);
        return s?.checker?.quorumUp === false && s.checker.sorryServerInUse && s;
      }, 20_000, 400);
      const row = (key) => svc.realServers.find((r) => r.key === key);
      assert(svc.checker.quorum === 2 && svc.checker.sorryServer === "203.0.113.12:8083", `checker: ${JSON.stringify(svc.checker)}`);
      assert(row("203.0.113.12:8083") !== undefined, "the sorry server is not in the hub's rows");
      assert(row("203.0.113.11:8082")?.health === "down" && row("203.0.113.11:8082")?.inKernel === false, `rs1:8082: ${JSON.stringify(row("203.0.113.11:8082"))}`);
      // alive by its checker, taken out by keepalived when the quorum was lost
      assert(row("203.0.113.12:8082")?.inKernel === false && row("203.0.113.12:8082")?.checker?.alive === true, `rs2:8082: ${JSON.stringify(row("203.0.113.12:8082"))}`);
      assert((await kernelWeight(DIR_A, QUORUM, "203.0.113.12:8083")) === "1", "the sorry server is not in the kernel table");
      assert((await kernelWeight(DIR_A, QUORUM, "203.0.113.12:8082")) === "-", "rs2:8082 is still in the kernel table");
      await guest("httpd_stop rs2 8082");
      await until("both configured servers down in the hub", async () => {
        const s = await hubService(QUORUM);
        return s?.realServers.filter((r) => r.inKernel === false && r.health === "down").length === 2;
      }, 20_000, 400);
    } finally {
      await guest("httpd_start rs1 8082; httpd_start rs2 8082");
    }
    await until("quorum up again, sorry server out", async () => {
      const s = await hubService(QUORUM);
      return s?.checker?.quorumUp === true && !s.checker.sorryServerInUse;
    }, 25_000, 400);
  });
  await test("6c a frozen checker process is reported silent, and answering again once thawed", async () => {
    const running = await until("the checker process in the hub", async () => director(await api.cluster(), DIR_A).snapshot?.keepalived.checker?.running === true, 10_000, 400);
    assert(running, "no checker process in the hub");
    const frozen = Date.now();
    await guest(`checker_signal ${DIR_A} STOP`);
    try {
      await until("checker silent in the hub", async () => director(await api.cluster(), DIR_A).snapshot?.keepalived.checker?.silent === true, 30_000, 500);
      timings.checkerSilent = (Date.now() - frozen) / 1000;
    } finally {
      await guest(`checker_signal ${DIR_A} CONT`);
    }
    await until("checker answering again in the hub", async () => director(await api.cluster(), DIR_A).snapshot?.keepalived.checker?.silent === false, 20_000, 500);
  });
  await test("6d Debian 12's kernel (6.1) has no twos scheduler (ip_vs_twos arrived in Linux 6.2)", async () => {
    const modules = await guest("uname -r; ls /lib/modules/$(uname -r)/kernel/net/netfilter/ipvs/; modinfo ip_vs_twos 2>&1 || true");
    log(`  ${modules.replace(/\s+/g, " ")}`);
    assert(/^6\.1\./.test(modules), "not a 6.1 kernel");
    assert(modules.includes("ip_vs_wrr.ko") && !modules.includes("ip_vs_twos.ko"), "ip_vs_twos is in this kernel: add a twos scheduler test");
  });

  // ---- 8 ----------------------------------------------------------------------------------------
  await test("8 keepalived's lvs_sync_daemon: a master daemon on lvs-dir-01, a backup on lvs-dir-02 holding synced entries; agent and hub say so", async () => {
    const expected = { [DIR_A]: "master", [DIR_B]: "backup" };
    await until("each director's sync daemon in the hub", async () => {
      const c = await api.cluster();
      return [DIR_A, DIR_B].every((d) => director(c, d)?.snapshot?.connectionSync?.daemons?.map((x) => `${x.role} ${x.interface} ${x.syncId}`).join() === `${expected[d]} front 88`);
    }, 30_000);
    const capture = {};
    for (const d of [DIR_A, DIR_B]) {
      capture[`${d}-ipvsadm-L-daemon.txt`] = await guest(`on ${d} ipvsadm -L --daemon`);
    }
    // The BACKUP holds the MASTER's connections once they pass sync_threshold (3 packets): wait for some.
    await until("synced entries on lvs-dir-02", async () => / SYNC /.test(await guest(`on ${DIR_B} cat /proc/net/ip_vs_conn_sync`)), 30_000, 1000);
    await guest("traffic_pause 2");
    let snap;
    try {
      const before = await guest(`on ${DIR_B} cat /proc/net/ip_vs_conn_sync`);
      snap = JSON.parse(await guest(`snapshot ${DIR_B} --source ipvsadm,procfs,keepalived 2>/dev/null`));
      const after = await guest(`on ${DIR_B} cat /proc/net/ip_vs_conn_sync`);
      capture[`${DIR_B}-proc-ip_vs_conn_sync.txt`] = before;
      capture[`${DIR_A}-proc-ip_vs_conn_sync.txt`] = await guest(`on ${DIR_A} cat /proc/net/ip_vs_conn_sync`);
      // Connections (client port not 0) by origin, as the kernel lists them.
      const synced = (text) => text.split("\n").filter((l) => / SYNC +\d+$/.test(l) && l.split(/\s+/)[2] !== "0000").length;
      const entries = snap.connectionSync?.entries;
      assert(entries !== null && entries !== undefined, `no entries in the snapshot: ${JSON.stringify(snap.connectionSync)}`);
      const [lo, hi] = [Math.min(synced(before), synced(after)), Math.max(synced(before), synced(after))];
      assert(entries.synced >= lo && entries.synced <= hi && entries.synced > 0, `agent counts ${entries.synced} synced entries, the kernel listed ${synced(before)} before and ${synced(after)} after`);
      log(`  lvs-dir-02 holds ${entries.synced} synced connection entries (kernel: ${synced(before)}..${synced(after)})`);
    } finally {
      await guest("traffic_resume");
    }
    assert(snap.connectionSync.daemons[0].role === "backup", `snapshot daemons ${JSON.stringify(snap.connectionSync.daemons)}`);
    if (process.env.LAB_CAPTURE === "1") {
      const dir = new URL("../../packages/ipvs/fixtures/real/", import.meta.url);
      // The control channel drops the last newline of a command's output; the kernel's and ipvsadm's end in one.
      for (const [name, text] of Object.entries(capture)) writeFileSync(new URL(`sync-${name}`, dir), text.endsWith("\n") ? text : `${text}\n`);
      log(`  wrote ${Object.keys(capture).length} captures to packages/ipvs/fixtures/real/`);
    }
  });

  // ---- 4 ----------------------------------------------------------------------------------------
  await test("4 stopping the MASTER's keepalived moves the VIP; the hub shows lvs-dir-02 as MASTER", async () => {
    const stopped = Date.now();
    await guest(`ka_stop ${DIR_A}`);
    await until("lvs-dir-02 MASTER with the VIP in the hub", async () => {
      const b = director(await api.cluster(), DIR_B).snapshot;
      return b?.vrrp[0]?.state === "MASTER" && b.vipsPresent.includes("198.51.100.100");
    }, 30_000, 300);
    timings.failoverInHub = (Date.now() - stopped) / 1000;
    const vipOnB = await guest(`on ${DIR_B} ip -br addr show front`);
    assert(vipOnB.includes("198.51.100.100"), `VIP not on lvs-dir-02: ${vipOnB}`);
    const vipOnA = await guest(`on ${DIR_A} ip -br addr show front`);
    assert(!vipOnA.includes("198.51.100.100"), `VIP still on lvs-dir-01: ${vipOnA}`);
    // keepalived writes STOP to the FIFO before it exits; the agent pushes it at once.
    await until("lvs-dir-01 no longer a running MASTER in the hub", async () => {
      const a = director(await api.cluster(), DIR_A).snapshot;
      return a.keepalived.running === false || a.vrrp[0]?.state !== "MASTER";
    }, 3_000, 100);
    timings.oldMasterGoneInHub = (Date.now() - stopped) / 1000;
  });
  // ---- 7 ----------------------------------------------------------------------------------------
  // Last: a hub that refuses weights above 65535 would refuse lvs-dir-02's whole snapshot from here on.
  await test("7 a weight of 100000 from keepalived's config reaches the kernel and the hub shows it as it is", async () => {
    await guest(`vs_weight ${DIR_B} 203.0.113.11 8081 100000`);
    await until("weight 100000 in lvs-dir-02's kernel", async () => (await kernelWeight(DIR_B, INHIBIT, "203.0.113.11:8081")) === "100000", 20_000, 400);
    await until("the hub shows lvs-dir-02's rs1:8081 at weight 100000", async () =>
      realServer(director(await api.cluster(), DIR_B).snapshot, INHIBIT, "203.0.113.11:8081")?.weight === 100000, 15_000, 500);
  });
} catch (err) {
  results.push({ name: "setup", ok: false, error: err });
  log(`setup failed: ${err.stack ?? err}`);
}
await finish();
