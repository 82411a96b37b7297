import { parseArgs } from "node:util";
import type { DirectorId } from "@lvsdeck/protocol";
import { directorIdSchema } from "@lvsdeck/protocol";
import { createAgent } from "./createAgent";
import { createLogger } from "./log";
import { createSimSource, parseEndpoint } from "./sources/simSource";
import type { DirectorSource } from "./sources/source";
import { DEFAULT_TICK_MS, MIN_TICK_MS } from "./limits";

const usage = `usage: lvsdeck-agent [run] --hub URL --director NAME --token T [--source sim] [--tick-ms 1000]
                     [--seed N] [--vrrp-listen HOST:PORT] [--vrrp-peer HOST:PORT ...]
       lvsdeck-agent snapshot --director NAME [--source sim]`;

function die(message: string): never {
  process.stderr.write(`lvsdeck-agent: ${message}\n${usage}\n`);
  process.exit(2);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    hub: { type: "string" },
    director: { type: "string" },
    token: { type: "string" },
    source: { type: "string", default: "sim" },
    "tick-ms": { type: "string" },
    seed: { type: "string" },
    "vrrp-listen": { type: "string" },
    "vrrp-peer": { type: "string", multiple: true },
    help: { type: "boolean" },
  },
});
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const command = positionals[0] ?? "run";
if (command !== "run" && command !== "snapshot") die(`unknown command ${command}`);

const directorParse = directorIdSchema.safeParse(values.director);
if (!directorParse.success) die(`--director: ${directorParse.error.issues[0]?.message ?? "required"}`);
const director: DirectorId = directorParse.data;
const tickMs = Number(values["tick-ms"] ?? DEFAULT_TICK_MS);
if (!Number.isInteger(tickMs) || tickMs < MIN_TICK_MS) die(`--tick-ms must be an integer >= ${MIN_TICK_MS}`);
const log = createLogger(`agent ${director}`);

async function openSource(): Promise<DirectorSource> {
  const kinds = (values.source ?? "sim").split(",");
  if (kinds.length === 1 && kinds[0] === "sim") {
    try {
      return await createSimSource({
        director,
        seed: Number(values.seed ?? 1),
        vrrpPeers: (values["vrrp-peer"] ?? []).map(parseEndpoint),
        log,
        ...(values["vrrp-listen"] !== undefined && { vrrpListen: parseEndpoint(values["vrrp-listen"]) }),
      });
    } catch (err) {
      die((err as Error).message);
    }
  }
  die(`unknown --source ${values.source}`);
}

const source = await openSource();
if (command === "snapshot") {
  process.stdout.write(`${JSON.stringify(await source.read(), null, 2)}\n`);
  await source.close();
  process.exit(0);
}
if (!values.hub) die("--hub is required");
const token = values.token ?? process.env.LVSDECK_AGENT_TOKEN;
if (!token) die("--token (or LVSDECK_AGENT_TOKEN) is required");
const agent = createAgent({
  hubUrl: values.hub,
  token,
  director,
  source,
  tickMs,
  log,
  onFatal: () => void agent.close().then(() => process.exit(3)),
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void agent.close().then(() => process.exit(0)));
}
