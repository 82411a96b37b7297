import { cliOptions } from "./cliOptions";
import type { OptionName, OptionValues } from "./cliOptions";

/**
 * Options a config file may not set, and why: `help` and `config` only make sense on a command line, and
 * a token kept in a file meant to be readable would leak; it goes alone into the file `token-file` names.
 */
const notInConfigFile: Partial<Record<OptionName, string>> = {
  help: "help is a command-line flag, not a setting",
  config: "a config file cannot name another config file",
  token: "the token does not belong in the config file: put it alone in a file only root can read and set token-file = PATH",
};

/** A config file that could not be read as settings: the file, the 1-based line and what is wrong there. */
export interface ConfigFileError {
  path: string;
  line: number;
  message: string;
}

/** The settings of a config file, and the line each option was (first) set on. */
export interface ConfigFile {
  path: string;
  values: OptionValues;
  lines: Partial<Record<OptionName, number>>;
}

export type ConfigFileResult = { ok: true; config: ConfigFile } | { ok: false; error: ConfigFileError };

/** `path:line: message`, the way compilers name a place in a file. */
export function formatConfigFileError(error: ConfigFileError): string {
  return `${error.path}:${error.line}: ${error.message}`;
}

const isOptionName = (key: string): key is OptionName => Object.hasOwn(cliOptions, key);
const repeatable = (Object.keys(cliOptions) as OptionName[]).filter((name) => "multiple" in cliOptions[name]);

/** Why `key` is not a key a config file may hold, or null when it is one. */
function refuseKey(key: string): string | null {
  if (key === "") return "no key before '='";
  if (key.startsWith("-")) return `write the key without dashes: ${key.replace(/^-+/, "")} = ...`;
  if (!isOptionName(key)) {
    const dashed = key.toLowerCase().replace(/_/g, "-");
    const hint = dashed !== key && isOptionName(dashed) ? ` (did you mean ${dashed}?)` : "";
    return `unknown key "${key}"${hint}; keys are the long option names of lvsdeck-agent --help`;
  }
  return notInConfigFile[key] ?? null;
}

/** Why `value` cannot be taken as written, or null when it can. */
function refuseValue(key: OptionName, value: string): string | null {
  if (value === "") return `${key} has no value`;
  // A "# ..." after the value would silently become part of it (a path, a URL): refuse it instead.
  if (/\s#/.test(value)) return `comments go on a line of their own: "${value}" would all be taken as the value of ${key}`;
  if (/^(["']).*\1$/.test(value)) return `write the value of ${key} without quotes: everything after '=' to the end of the line is the value`;
  if (cliOptions[key].type === "boolean" && value !== "true" && value !== "false") return `${key} must be true or false, not "${value}"`;
  return null;
}

/**
 * Parses an agent config file: `key = value` lines whose keys are the long option names, `#` comment
 * lines and blank lines. Unknown keys, a repeated key that is not repeatable and malformed lines are
 * errors naming the line; nothing is silently ignored.
 */
export function parseConfigFile(text: string, path: string): ConfigFileResult {
  const values: Record<string, string | string[] | boolean> = {};
  const lines: Partial<Record<OptionName, number>> = {};
  const source = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  for (const [index, raw] of source.entries()) {
    const line = index + 1;
    const fail = (message: string): ConfigFileResult => ({ ok: false, error: { path, line, message } });
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const equals = trimmed.indexOf("=");
    if (equals === -1) return fail(`expected "key = value", found "${trimmed.slice(0, 80)}"`);
    const key = trimmed.slice(0, equals).trim();
    const value = trimmed.slice(equals + 1).trim();
    const keyProblem = refuseKey(key);
    if (keyProblem !== null) return fail(keyProblem);
    const name = key as OptionName;
    const valueProblem = refuseValue(name, value);
    if (valueProblem !== null) return fail(valueProblem);
    const first = lines[name];
    if (repeatable.includes(name)) {
      values[name] = [...((values[name] as string[] | undefined) ?? []), value];
    } else if (first !== undefined) {
      return fail(`${name} is set twice (first on line ${first}); only ${[repeatable.slice(0, -1).join(", "), repeatable.at(-1)].filter(Boolean).join(" and ")} may repeat`);
    } else {
      values[name] = cliOptions[name].type === "boolean" ? value === "true" : value;
    }
    lines[name] ??= line;
  }
  // Every key was checked against cliOptions and every value against its option's type above.
  return { ok: true, config: { path, values: values as OptionValues, lines } };
}

/**
 * Adds to a message about `--name` where that option was set, when the config file set it and the
 * command line did not: `--tick-ms must be ... (/etc/lvsdeck/agent.conf:4)`.
 */
export function citeConfigLine(message: string, config: ConfigFile | null, commandLine: OptionValues): string {
  const name = /--([a-z][a-z0-9-]*)/.exec(message)?.[1];
  if (config === null || name === undefined || !isOptionName(name) || commandLine[name] !== undefined) return message;
  const line = config.lines[name];
  return line === undefined ? message : `${message} (${config.path}:${line})`;
}
