import { readFile, rename, stat, writeFile } from "node:fs/promises";
import { applyWeightToConfig, listConfigVirtualServers, parseConfigBlocks } from "./keepalivedConfig";
import { healthKey } from "./parts";

/** The keepalived include file that holds the agent-managed `virtual_server` blocks (weight mode `keepalived`). */
export interface WeightsFile {
  readonly path: string;
  /** The real servers whose weight the file sets, as {@link healthKey}s. */
  managed(): Promise<ReadonlySet<string>>;
  /** Writes a weight into the file (atomically); `undo` puts the previous text back. */
  write(service: string, realServer: string, weight: number): Promise<{ undo(): Promise<void> }>;
}

async function replaceFile(path: string, text: string): Promise<void> {
  // Written beside the original and renamed over it, so keepalived never reads half a file.
  const temporary = `${path}.lvsdeck-${process.pid}.tmp`;
  const mode = await stat(path).then((s) => s.mode & 0o777, () => 0o644);
  await writeFile(temporary, text, { mode });
  await rename(temporary, path);
}

async function readConfig(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new Error(`cannot read the keepalived weights file ${path} (set --keepalived-weights-file): ${(err as Error).message}`);
  }
}

/** Opens the weights file at `path`; it must exist and hold the virtual_server blocks (see the agent README). */
export function createWeightsFile(path: string): WeightsFile {
  return {
    path,
    async managed() {
      const servers = listConfigVirtualServers(parseConfigBlocks(await readConfig(path)));
      return new Set(servers.flatMap((vs) => vs.realServers.map((rs) => healthKey(vs.serviceKey, rs.realServerKey))));
    },
    async write(service, realServer, weight) {
      const before = await readConfig(path);
      const rewritten = applyWeightToConfig(before, service, realServer, weight);
      if (!rewritten.ok) throw new Error(`${rewritten.error} (${path}); add it there or run with --weight-mode runtime`);
      if (rewritten.text !== before) await replaceFile(path, rewritten.text);
      return { undo: () => replaceFile(path, before) };
    },
  };
}
