import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { DirectorId } from "@lvsdeck/protocol";
import { directorIdSchema } from "@lvsdeck/protocol";
import { cliOptions, parseHubUrls, realSourceConfig, resolveOptions, usage } from "./cliOptions";
import type { OptionValues } from "./cliOptions";
import { citeConfigLine, formatConfigFileError, parseConfigFile } from "./configFile";
import type { ConfigFile } from "./configFile";
import { createAgent } from "./createAgent";
import { createLogger } from "@lvsdeck/log";
import { openRealSource, parseSourceKinds } from "./sources/openSource";
import { createSimSource, parseEndpoint } from "./sources/simSource";
import { DEFAULT_STATE_BUDGET, withStateCounts } from "./stateCounting";
import type { DirectorSource } from "./sources/source";
import { DEFAULT_TICK_MS, MIN_TICK_MS } from "./limits";
import { chooseTokenSource, loadToken } from "./tokenFile";

/** A mistake in the config file or token file: one line naming the file, exit 2. */
function dieConfig(message: string): never {
  process.stderr.write(`lvsdeck-agent: ${message}\n`);
  process.exit(2);
}

/** The director could not be read: one clear line, exit 1. */
function fail(message: string): never {
  process.stderr.write(`lvsdeck-agent: ${message}\n`);
  process.exit(1);
}

/**
 * The whole program in one async function rather than top-level await: the same code then bundles as
 * CommonJS, which Node 20's single-executable applications need for their embedded script.
 */
async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: cliOptions });
  } catch (err) {
    process.stderr.write(`lvsdeck-agent: ${(err as Error).message}\n${usage}\n`);
    process.exit(2);
  }
  const { values: commandLine, positionals } = parsed;
  if (commandLine.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }

  async function loadConfigFile(path: string): Promise<ConfigFile> {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      dieConfig(`cannot read config file ${path}: ${(err as Error).message}`);
    }
    const result = parseConfigFile(text, path);
    if (!result.ok) dieConfig(formatConfigFileError(result.error));
    return result.config;
  }
  const configFile = commandLine.config === undefined ? null : await loadConfigFile(commandLine.config);
  const values: OptionValues = resolveOptions(commandLine, configFile?.values ?? {});

  /** A mistake in the options: message (citing the config file line it came from) and usage, exit 2. */
  function die(message: string): never {
    process.stderr.write(`lvsdeck-agent: ${citeConfigLine(message, configFile, commandLine)}\n${usage}\n`);
    process.exit(2);
  }
  const command = positionals[0] ?? "run";
  if (command !== "run" && command !== "snapshot" && command !== "details") die(`unknown command ${command}`);

  const directorParse = directorIdSchema.safeParse(values.director);
  if (!directorParse.success) die(`--director: ${directorParse.error.issues[0]?.message ?? "required"}`);
  const director: DirectorId = directorParse.data;
  const tickMs = Number(values["tick-ms"] ?? DEFAULT_TICK_MS);
  if (!Number.isInteger(tickMs) || tickMs < MIN_TICK_MS) die(`--tick-ms must be an integer >= ${MIN_TICK_MS}`);
  // One-shot commands print JSON on stdout; keep their stderr to warnings and errors.
  const log = createLogger(`agent ${director}`, command !== "run");

  /** `--states-budget` in percent of one core (default 5) as a share. */
  function statesBudget(text: string | undefined): number {
    if (text === undefined) return DEFAULT_STATE_BUDGET;
    const percent = Number(text);
    if (!Number.isFinite(percent) || percent <= 0 || percent > 100) die("--states-budget must be a percentage of one core above 0 and at most 100 (0 turns counting off)");
    return percent / 100;
  }

  function positiveInteger(text: string, flag: string): number {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 100) throw new Error(`${flag} must be an integer >= 100`);
    return value;
  }

  async function openSource(): Promise<DirectorSource> {
    const sourceText = values.source ?? "sim";
    if (sourceText === "sim") {
      try {
        return await createSimSource({
          director,
          seed: Number(values.seed ?? 1),
          vrrpPeers: (values["vrrp-peer"] ?? []).map(parseEndpoint),
          log,
          ...(values["vrrp-listen"] !== undefined && { vrrpListen: parseEndpoint(values["vrrp-listen"]) }),
          ...(values["sim-flap-ms"] !== undefined && { flapEveryMs: positiveInteger(values["sim-flap-ms"], "--sim-flap-ms") }),
          ...(values["sim-services"] !== undefined && {
            scale: { services: Number(values["sim-services"]), realServers: values["sim-real-servers"] === undefined ? 20 : Number(values["sim-real-servers"]) },
          }),
        });
      } catch (err) {
        die((err as Error).message);
      }
    }
    try {
      return openRealSource(realSourceConfig(values, director, parseSourceKinds(sourceText), log));
    } catch (err) {
      die((err as Error).message);
    }
  }

  const opened = await openSource();
  // Per-state counts stream with the snapshots, on their own schedule within a CPU budget (--states-budget).
  const countStates = opened.countStates;
  const source =
    countStates === undefined || command !== "run" || values["states-budget"] === "0"
      ? opened
      : withStateCounts(opened, { count: countStates, budget: statesBudget(values["states-budget"]), minIntervalMs: tickMs, log });
  if (command === "snapshot" || command === "details") {
    try {
      const snapshot = await source.read();
      const output = command === "snapshot" ? snapshot : await source.readDetails?.();
      if (output === undefined) fail(`--source ${values.source} has no connection details`);
      process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    } catch (err) {
      fail((err as Error).message);
    } finally {
      await source.close();
    }
    process.exit(0);
  }
  const hubs = parseHubUrls(values.hub);
  if ("error" in hubs) die(hubs.error);
  let token: string;
  try {
    token = await loadToken(chooseTokenSource(commandLine, process.env.LVSDECK_AGENT_TOKEN, configFile?.values ?? {}));
  } catch (err) {
    dieConfig((err as Error).message);
  }
  let hubCa: Buffer | undefined;
  if (values["hub-ca"] !== undefined) {
    try {
      hubCa = await readFile(values["hub-ca"]);
    } catch (err) {
      dieConfig(`--hub-ca: ${(err as Error).message}`);
    }
  }
  const agent = createAgent({
    hubUrls: hubs.urls,
    token,
    ...(hubCa !== undefined && { hubCa }),
    director,
    source,
    tickMs,
    log,
    onFatal: () => void agent.close().then(() => process.exit(3)),
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => void agent.close().then(() => process.exit(0)));
  }
}

main().catch((err: unknown) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)));
