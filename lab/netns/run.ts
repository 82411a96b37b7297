// `npm run lab:netns` (root): real keepalived doing VRRP between directors in network namespaces, the
// hub on this machine's 127.0.0.1 and one agent per director (--source ipvsadm,keepalived, IPVS from
// recorded real output). Prints the dashboard URL and a one-time admin password, then offers a prompt
// (on a terminal) to stop, start or kill -9 keepalived, cut a director off the VRRP network and more.
// Ctrl-C, Ctrl-D, SIGTERM or SIGHUP removes everything it created.
// Usage: npm run lab:netns -- [--directors 2] [--instances 2] [--port 8080] [--keep]
import { parseCommandLine } from "../../scripts/commandLine.mjs";
import readline from "node:readline";
import { hubClient } from "./lib/hub";
import type { HubClient } from "./lib/hub";
import { electedAsPlanned, labProblem, startLab } from "./lib/lab";
import type { Lab } from "./lib/lab";
import { addressesIn, deleteAddress, setOnBridge } from "./lib/network";
import { directorOf } from "./lib/plan";
import { createTeardown } from "./lib/teardown";

/** How long the first election and the agents' first reports may take (ms). */
const READY_TIMEOUT_MS = 30_000;

const log = (message: string) => process.stderr.write(`[lab:netns] ${message}\n`);
const values = parseCommandLine(
  "npm run lab:netns --",
  `usage: npm run lab:netns -- [--directors 2] [--instances 2] [--segments 1] [--port 8080] [--prefix lvsdk-lab-] [--keep]
Real keepalived doing VRRP between directors in network namespaces, the hub on 127.0.0.1 and one agent
per director. Prints the dashboard URL and a one-time admin password, then a prompt (type help).
Needs root. Ctrl-C, Ctrl-D, SIGTERM or SIGHUP removes everything it created (--keep leaves it).`,
  {
    directors: { type: "string", default: "2" },
    instances: { type: "string", default: "2" },
    segments: { type: "string", default: "1" },
    port: { type: "string", default: process.env.LAB_HUB_PORT ?? "8080" },
    prefix: { type: "string", default: "lvsdk-lab-" },
    keep: { type: "boolean", default: false },
  },
) as { directors: string; instances: string; segments: string; port: string; prefix: string; keep: boolean };

const HELP = `commands (DIRECTOR is lvs-dir-01 or d1):
  status                 VRRP state per director and instance, as the hub has it, and who holds which VIP
  stop DIRECTOR          SIGTERM to its keepalived (a clean failover)
  start DIRECTOR         start its keepalived again (it preempts back if it has the higher priority)
  kill9 DIRECTOR         SIGKILL to its keepalived: the VIPs stay on its interface (VIP on two directors)
  vip-del DIRECTOR VIP   ip addr del VIP from the director (the clean-up after a kill9)
  cut DIRECTOR / join DIRECTOR   take it off the VRRP network (split brain) / put it back
  sh DIRECTOR CMD...     run a shell command line in the director's namespaces, e.g. sh d1 ip -br addr
  help, quit (or Ctrl-D / Ctrl-C)`;

const DIRECTOR_COMMANDS = new Set(["stop", "start", "kill9", "vip-del", "cut", "join", "sh"]);

async function status(lab: Lab, api: HubClient): Promise<string> {
  const cluster = await api.cluster();
  const lines = lab.directors.map(({ plan }) => {
    const view = cluster.directors.find((d) => d.id === plan.id);
    const vrrp = view?.snapshot?.vrrp.map((i) => `${i.name} ${i.state}`).join(", ") ?? "no report";
    return `${plan.id} (${plan.ns}): ${view?.stale === false ? "" : "stale, "}${vrrp}; addresses ${addressesIn(plan.ns).join(" ")}`;
  });
  const alerts = (await api.alerts()).map((a) => `alert ${a.rule}: ${a.message}`);
  return [...lines, ...alerts].join("\n");
}

async function command(lab: Lab, api: HubClient, line: string): Promise<string> {
  const [verb, name, ...rest] = line.trim().split(/\s+/);
  if (verb === "help") return HELP;
  if (verb === "status") return status(lab, api);
  if (!DIRECTOR_COMMANDS.has(verb ?? "")) return `unknown command ${verb}\n${HELP}`;
  if (name === undefined) return `${verb}: which director?`;
  const plan = directorOf(lab.plan, name);
  const director = lab.directors.find((d) => d.plan === plan);
  if (director === undefined) return `no director ${name}`;
  switch (verb) {
    case "stop":
      await director.keepalived.stop();
      return `keepalived on ${plan.id} stopped`;
    case "start":
      director.keepalived.start();
      return `keepalived on ${plan.id} started`;
    case "kill9":
      await director.keepalived.kill9();
      return `keepalived on ${plan.id} killed with SIGKILL; its VIPs stay: ${addressesIn(plan.ns).join(" ")}`;
    case "vip-del":
      if (rest[0] === undefined) return `vip-del: which VIP? (${lab.plan.instances.map((i) => i.vip).join(", ")})`;
      deleteAddress(plan.ns, rest[0]);
      return `removed ${rest[0]} from ${plan.id}`;
    case "cut":
    case "join":
      setOnBridge(lab.plan, plan.ns, verb === "join");
      return `${plan.id} ${verb === "cut" ? "is off" : "is back on"} the VRRP network`;
    case "sh":
      // The rest of the line, as typed, to a shell in the director's namespaces.
      return director.exec("sh", ["-c", line.trim().replace(/^\S+\s+\S+\s*/, "") || "true"]).trimEnd();
    default:
      return HELP;
  }
}

function prompt(lab: Lab, api: HubClient, stop: () => void): void {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: "lab> " });
  rl.on("line", (line) => {
    const words = line.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) return rl.prompt();
    if (words[0] === "quit" || words[0] === "exit") return rl.close();
    rl.pause();
    command(lab, api, line)
      .then((out) => process.stdout.write(`${out}\n`))
      .catch((err: Error) => process.stdout.write(`${err.message}\n`))
      .finally(() => {
        rl.resume();
        rl.prompt();
      });
  });
  // readline takes Ctrl-C from the terminal: pass it on as the signal the teardown handles.
  rl.on("SIGINT", () => process.kill(process.pid, "SIGINT"));
  rl.on("close", stop);
  rl.prompt();
}

const problem = labProblem();
if (problem !== null) {
  log(problem);
  process.exit(1);
}
const teardown = createTeardown(log);
try {
  const lab = await startLab(
    { prefix: values.prefix, directors: Number(values.directors), instances: Number(values.instances), segments: Number(values.segments), port: Number(values.port), keepWork: values.keep, log },
    teardown,
  );
  const api = await hubClient(lab.hub.url, lab.admin.user, lab.admin.password);
  for (const end = Date.now() + READY_TIMEOUT_MS; !electedAsPlanned(lab.plan, await api.cluster()); await new Promise((r) => setTimeout(r, 250))) {
    if (Date.now() > end) throw new Error(`the directors did not elect as planned within ${READY_TIMEOUT_MS} ms; logs in ${lab.work}`);
  }
  const layout = lab.plan.instances.map((i) => `${i.name} (VRID ${i.vrid}, VIP ${i.vip}${lab.plan.instances.some((o) => o.segment > 0) ? `, segment ${i.segment}` : ""}) MASTER ${i.master}`).join("; ");
  process.stdout.write(`
lvsdeck netns lab running: open ${lab.hub.url} in a browser (Ctrl-C stops it and removes everything)
sign in as ${lab.admin.user} with the one-time password ${lab.admin.password}
directors: ${lab.directors.map((d) => `${d.plan.id} (netns ${d.plan.ns}, ${d.plan.address})`).join(", ")}
VRRP: ${layout}
IPVS is recorded real output (this kernel has none); logs and configs in ${lab.work}
`);
  if (process.stdin.isTTY) {
    process.stdout.write(`${HELP}\n`);
    prompt(lab, api, () => process.kill(process.pid, "SIGTERM"));
  }
  await teardown.signalled;
} catch (err) {
  // Stopped half-way by a signal: its handler is removing the lab and exits.
  if (teardown.stopping()) await new Promise(() => undefined);
  log(`failed: ${(err as Error).message}`);
  await teardown.run();
  process.exit(1);
}
