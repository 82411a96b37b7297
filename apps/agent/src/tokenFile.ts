import { readFile, stat } from "node:fs/promises";
import type { OptionValues } from "./cliOptions";

/** Where the agent token comes from: given as text, or the path of a file holding it. */
export type TokenSource = { kind: "text"; token: string; from: string } | { kind: "file"; path: string; from: string };

/**
 * Picks the agent token's source, first found wins: `--token` or `--token-file` on the command line,
 * then LVSDECK_AGENT_TOKEN, then `token-file` in the config file. Throws a one-line message when there is
 * none, or when the command line gives both.
 */
export function chooseTokenSource(commandLine: OptionValues, environment: string | undefined, configFile: OptionValues): TokenSource {
  const { token, "token-file": tokenFile } = commandLine;
  if (token !== undefined && tokenFile !== undefined) throw new Error("give --token or --token-file, not both");
  if (token !== undefined) return { kind: "text", token, from: "--token" };
  if (tokenFile !== undefined) return { kind: "file", path: tokenFile, from: "--token-file" };
  if (environment !== undefined && environment !== "") return { kind: "text", token: environment, from: "LVSDECK_AGENT_TOKEN" };
  const configured = configFile["token-file"];
  if (configured !== undefined) return { kind: "file", path: configured, from: "token-file" };
  throw new Error("an agent token is required: --token-file PATH (or token-file in --config), --token T, or LVSDECK_AGENT_TOKEN");
}

/**
 * Reads the token from a file holding it alone (a final newline is fine). Like ssh with a private key, a
 * file every user may read is refused: the token would be as good as public.
 */
export async function readTokenFile(path: string): Promise<string> {
  let text: string;
  try {
    const info = await stat(path);
    if ((info.mode & 0o004) !== 0) throw new Error(`token file ${path} is readable by every user: chmod 600 it (or 640 with the agent's group)`);
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw code === undefined ? err : new Error(`cannot read token file ${path}: ${(err as Error).message}`);
  }
  const token = text.trim();
  if (token === "") throw new Error(`token file ${path} is empty`);
  if (/\s/.test(token)) throw new Error(`token file ${path} must hold the token alone, on one line`);
  return token;
}

/** The token from whichever source {@link chooseTokenSource} picked. */
export async function loadToken(source: TokenSource): Promise<string> {
  if (source.kind === "text") {
    if (source.token === "") throw new Error(`${source.from} is empty`);
    return source.token;
  }
  return readTokenFile(source.path);
}
