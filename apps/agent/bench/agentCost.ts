// `npm run bench` part (BENCH_ONLY=agent): what the agent costs a director. The built agent runs with
// `--source procfs,keepalived` on real-format sources: /proc/net/ip_vs with 100 virtual services x 100
// real servers, /proc/net/ip_vs_conn with 100,000 and 1,000,000 entries, and a keepalived stand-in that
// answers SIGJSON with 10 VRRP instances; it streams to the built hub (a separate process). Measured from
// /proc/<pid>/stat and /status over BENCH_AGENT_SECONDS (default 30) after a 5 s warm-up: the agent's
// CPU share of one core (average, and the median and highest of its one-second samples, i.e. per tick)
// and its RSS (average and highest). Beside it, in the same run: the commands it replaces at the same
// 1 s cadence, `cat /proc/net/ip_vs` and the awk per-state, per-real-server count of ip_vs_conn, their
// CPU taken from bash's `times`. BENCH_AGENT_ENTRIES (default 100000,1000000) picks the table sizes.
// The last stdout line is one JSON object.
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpuSeconds, freePort, rssMiB } from "../../hub/bench/processFigures";

const here = fileURLToPath(new URL(".", import.meta.url));
const AGENT = join(here, "../dist/main.js");
const HUB = join(here, "../../hub/dist/main.js");
const SECONDS = Number(process.env.BENCH_AGENT_SECONDS ?? 30);
const SIZES = (process.env.BENCH_AGENT_ENTRIES ?? "100000,1000000").split(",").map(Number);
const WARMUP_MS = 5_000;
const SERVICES = 100;
const REAL_SERVERS = 100;
const INSTANCES = 10;
const TOKEN = "bench-agent-token";
const STATES = ["ESTABLISHED", "ESTABLISHED", "ESTABLISHED", "FIN_WAIT", "TIME_WAIT", "SYN_RECV", "CLOSE"];
const AWK_PROC_PROGRAM = 'NR > 1 { n[$6 " " $7 " " $8]++ } END { for (k in n) print k, n[k] }';

const hex = (n: number, digits: number) => n.toString(16).toUpperCase().padStart(digits, "0");
const vip = (s: number) => hex(((198 << 24) >>> 0) + (51 << 16) + (100 << 8) + (s % 250), 8);
const rip = (s: number, r: number) => hex(((10 << 24) >>> 0) + (s << 8) + r + 1, 8);
const port = (s: number) => hex(1000 + s, 4);

function ipVs(): string {
  const lines = ["IP Virtual Server version 1.2.1 (size=4096)", "Prot LocalAddress:Port Scheduler Flags", "  -> RemoteAddress:Port Forward Weight ActiveConn InActConn"];
  for (let s = 0; s < SERVICES; s++) {
    lines.push(`TCP  ${vip(s)}:${port(s)} wlc `);
    for (let r = 0; r < REAL_SERVERS; r++) lines.push(`  -> ${rip(s, r)}:0050      Route   1      ${r}          ${2 * r}         `);
  }
  return `${lines.join("\n")}\n`;
}

function writeConnections(path: string, entries: number): void {
  const chunks = ["Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n"];
  for (let i = 0; i < entries; i += 10_000) {
    const rows: string[] = [];
    for (let j = i; j < Math.min(entries, i + 10_000); j++) {
      const [s, r] = [j % SERVICES, (j >> 7) % REAL_SERVERS];
      rows.push(`TCP ${hex(((203 << 24) >>> 0) + (j & 0xffff), 8)} ${hex(1024 + (j % 60000), 4)} ${vip(s)} ${port(s)} ${rip(s, r)} 0050 ${(STATES[j % STATES.length] ?? "CLOSE").padEnd(11)} ${String(840 + (j % 60)).padStart(7)}`);
    }
    chunks.push(`${rows.join("\n")}\n`);
  }
  writeFileSync(path, chunks.join(""));
}

function keepalivedJson(): string {
  const instances = Array.from({ length: INSTANCES }, (_, i) => ({
    data: { iname: `VI_${i}`, ifp_ifname: "eth0", master_priority: 200, last_transition: 1796400000.5, vrid: 50 + i, base_priority: 100, effective_priority: 100, vipset: false,
      adver_int: 1, nopreempt: false, state: 1, wantstate: 1, version: 2, vips: [`198.51.100.${i % 250}/24 dev eth0 scope global`] },
    stats: { advert_rcvd: 7, advert_sent: 0, become_master: 0, release_master: 0, packet_len_err: 0, advert_interval_err: 0, ip_ttl_err: 0, invalid_type_rcvd: 0, addr_list_err: 0, invalid_authtype: 0, authtype_mismatch: 0, auth_failure: 0, pri_zero_rcvd: 0, pri_zero_sent: 0 },
  }));
  return JSON.stringify(instances);
}

/** A keepalived stand-in: answers SIGJSON (36) by writing the prepared dump, atomically. */
function startKeepalived(dir: string): { pidFile: string; jsonPath: string; child: ChildProcess } {
  const [pidFile, jsonPath, source] = [join(dir, "keepalived.pid"), join(dir, "keepalived.json"), join(dir, "dump.json")];
  writeFileSync(source, keepalivedJson());
  const script = join(dir, "keepalived-standin");
  writeFileSync(script, `#!/bin/bash\ntrap 'cp "${source}" "${jsonPath}.new" && mv "${jsonPath}.new" "${jsonPath}"' 36\necho $$ > '${pidFile}.new' && mv '${pidFile}.new' '${pidFile}'\nwhile :; do sleep 0.2 & wait $!; done\n`);
  chmodSync(script, 0o755);
  return { pidFile, jsonPath, child: spawn("bash", [script], { stdio: "ignore" }) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const share = (x: number) => Number(x.toFixed(3));

async function measureAgent(procRoot: string, dir: string, hubUrl: string) {
  const keepalived = startKeepalived(dir);
  for (let i = 0; i < 50; i++) {
    try {
      readFileSync(keepalived.pidFile);
      break;
    } catch {
      await sleep(50);
    }
  }
  const args = ["run", "--hub", hubUrl, "--director", "bench-01", "--source", "procfs,keepalived", "--proc-root", procRoot, "--keepalived-pid-file", keepalived.pidFile, "--keepalived-json", keepalived.jsonPath, "--no-ip", "--tick-ms", "1000"];
  // BENCH_CPU_PROF=<dir>: the agent writes a V8 CPU profile there when it stops.
  const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_CPU_PROF] : [];
  const agent = spawn(process.execPath, [...prof, AGENT, ...args], { stdio: "ignore", env: { ...process.env, LVSDECK_AGENT_TOKEN: TOKEN } });
  try {
    await sleep(WARMUP_MS);
    const pid = agent.pid!;
    const perSecond: number[] = [];
    const rss: number[] = [];
    const start = cpuSeconds(pid);
    let last = start;
    for (let i = 0; i < SECONDS; i++) {
      await sleep(1000);
      const now = cpuSeconds(pid);
      perSecond.push(now - last);
      last = now;
      rss.push(rssMiB(pid));
    }
    return {
      cpuShareAvg: share((last - start) / SECONDS),
      cpuSharePerTickMedian: share(median(perSecond)),
      cpuSharePerTickMax: share(Math.max(...perSecond)),
      rssMiBAvg: Math.round(rss.reduce((a, b) => a + b, 0) / rss.length),
      rssMiBMax: Math.max(...rss),
    };
  } finally {
    const exited = new Promise((r) => agent.once("exit", r));
    agent.kill(prof.length > 0 ? "SIGTERM" : "SIGKILL");
    await Promise.race([exited, sleep(10_000)]);
    agent.kill("SIGKILL");
    keepalived.child.kill("SIGKILL");
  }
}

/** The commands the agent replaces, once a second for SECONDS: their CPU from bash's `times` (children). */
function measureCommands(procRoot: string) {
  const net = join(procRoot, "net");
  const loop = `for i in $(seq ${SECONDS}); do cat '${net}/ip_vs' > /dev/null; awk '${AWK_PROC_PROGRAM}' '${net}/ip_vs_conn' > /dev/null; sleep 1; done; times`;
  const out = spawnSync("bash", ["-c", loop], { encoding: "utf8" }).stdout.trim().split("\n").at(-1) ?? "";
  // `times` prints the shell's then its children's user and system time: "0m1.234s 0m0.567s".
  const seconds = [...out.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
  return { cpuShareAvg: share(seconds / SECONDS), commands: `cat ip_vs; awk '${AWK_PROC_PROGRAM}' ip_vs_conn` };
}

const dir = mkdtempSync(join(tmpdir(), "lvsdeck-agent-cost-"));
const hubPort = await freePort();
const hub = spawn(process.execPath, [HUB, "--port", String(hubPort), "--host", "127.0.0.1", "--data", join(dir, "hub"), "--agent-token", TOKEN], { stdio: "ignore" });
const hubUrl = `http://127.0.0.1:${hubPort}`;
const results: Record<string, unknown>[] = [];
try {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${hubUrl}/api/health`)).ok) break;
    } catch {
      await sleep(100);
    }
  }
  for (const entries of SIZES) {
    const procRoot = join(dir, `proc-${entries}`);
    mkdirSync(join(procRoot, "net"), { recursive: true });
    writeFileSync(join(procRoot, "net", "ip_vs.new"), ipVs());
    renameSync(join(procRoot, "net", "ip_vs.new"), join(procRoot, "net", "ip_vs"));
    writeConnections(join(procRoot, "net", "ip_vs_conn"), entries);
    writeFileSync(join(procRoot, "net", "ip_vs_stats"), readFileSync(join(here, "../../../packages/ipvs/fixtures/real/proc-ip_vs_stats.txt")));
    mkdirSync(join(dir, `k-${entries}`));
    const agent = await measureAgent(procRoot, join(dir, `k-${entries}`), hubUrl);
    const commands = measureCommands(procRoot);
    results.push({ entries, services: SERVICES, realServers: SERVICES * REAL_SERVERS, vrrpInstances: INSTANCES, agent, commandsReplaced: commands });
  }
} finally {
  hub.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ bench: "agentCost", measureSeconds: SECONDS, tickMs: 1000, statesBudget: "5 % (default)", results }));
