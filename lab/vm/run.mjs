// `npm run lab:vm`: builds the VM image, starts a hub on the host (unless LAB_HUB_URL names one),
// boots the VM with the lab scenario, prints where to open the dashboard, then offers a prompt whose
// lines run inside the VM (busybox sh with guest/lib.sh loaded). Ctrl-D or Ctrl-C stops everything.
//
// Env: LAB_HUB_URL    an existing hub (e.g. http://127.0.0.1:8080); it must accept LAB_TOKEN
//      LAB_TOKEN      agent token (default lab-token)
//      LAB_HUB_PORT   port of the hub this script starts (default 8080; 0 = any free port)
//      LAB_WEIGHT_MODE runtime|keepalived (default keepalived)   LAB_ACCEL tcg|kvm (default tcg)
//      LAB_TICK_MS    agent tick in the VM (default 2000: 1 s ticks saturate a 2-vCPU TCG guest)
import readline from "node:readline";
import { buildImage, bootVm } from "./lib/vm.mjs";
import { startHub, LAB_USER, LAB_PASSWORD } from "./lib/hub.mjs";
import { parseCommandLine } from "../../scripts/commandLine.mjs";

parseCommandLine(
  "npm run lab:vm",
  `usage: npm run lab:vm
Builds the VM image, starts a hub on this machine (unless LAB_HUB_URL names one), boots Debian's kernel
with IPVS and keepalived under QEMU, prints where to open the dashboard, then runs your lines inside the
VM. Ctrl-D or Ctrl-C stops everything.
Env: LAB_HUB_URL an existing hub (it must accept LAB_TOKEN)   LAB_TOKEN agent token (default lab-token)
     LAB_HUB_PORT port of the hub started here (default 8080; 0 = any free port)
     LAB_WEIGHT_MODE runtime|keepalived (default keepalived)   LAB_ACCEL tcg|kvm (default tcg)
     LAB_TICK_MS agent tick in the VM (default 2000)`,
);

const token = process.env.LAB_TOKEN ?? "lab-token";
const log = (m) => process.stderr.write(`[lab:vm] ${m}\n`);

const image = await buildImage({ log });
log(`image built in ${(image.buildMs / 1000).toFixed(1)} s`);
let hub = null;
let hubUrl = process.env.LAB_HUB_URL;
if (!hubUrl) {
  hub = await startHub({ port: Number(process.env.LAB_HUB_PORT ?? 8080), token, log });
  hubUrl = hub.url;
  log(`hub started at ${hub.url}`);
}
const { port } = new URL(hubUrl);
// The guest sees the host's loopback as 10.0.2.2 (QEMU user networking).
const guestHub = `http://10.0.2.2:${port || 80}`;
const vm = await bootVm({ ...image, params: { hub: guestHub, token, tick: process.env.LAB_TICK_MS ?? 2000, weightmode: process.env.LAB_WEIGHT_MODE ?? "keepalived" }, log });
log(`VM booting (console: ${vm.consolePath})`);
await vm.control.ready();
log(`scenario up ${((Date.now() - vm.started) / 1000).toFixed(1)} s after QEMU started`);
log(`dashboard: ${hubUrl.replace("127.0.0.1", "localhost")}/  (directors lvs-dir-01, lvs-dir-02)`);
if (hub) log(`sign in as ${LAB_USER} / ${LAB_PASSWORD} (LAB_USER, LAB_PASSWORD)`);
log(`prompt: commands run in the VM, e.g.  on lvs-dir-01 ipvsadm -Ln   |  httpd_stop rs2 80  |  ka_stop lvs-dir-01`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  log("stopping");
  await vm.stop();
  await hub?.close();
  process.exit(0);
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
vm.exited.then(() => shutdown());

const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: "lab> " });
rl.prompt();
rl.on("line", async (line) => {
  if (line.trim()) {
    rl.pause();
    try {
      const r = await vm.control.run(line.trim(), 120_000);
      process.stdout.write(`${r.output}${r.output ? "\n" : ""}${r.rc ? `[rc=${r.rc}]\n` : ""}`);
    } catch (err) {
      process.stdout.write(`${err.message}\n`);
    }
    rl.resume();
  }
  rl.prompt();
});
rl.on("close", shutdown);
