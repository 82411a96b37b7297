// The command line of the repository's scripts (demo, bench, labs): `--help` prints the usage and exits
// 0; a mistyped flag is one line and a hint, exit 2, never a stack trace or a run that starts anyway.
import { parseArgs } from "node:util";

/**
 * Parses `process.argv` with node:util's parseArgs after handling --help / -h.
 * @param {string} name the command as a user types it, e.g. "npm run lab:vm"
 * @param {string} usage what --help prints
 * @param {import("node:util").ParseArgsConfig["options"]} [options] the flags the script takes
 * @param {string[]} [args] the arguments (default: process.argv after the script)
 * @returns {Record<string, string | boolean | string[] | boolean[] | undefined>} the parsed values
 */
export function parseCommandLine(name, usage, options = {}, args = process.argv.slice(2)) {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${usage.trimEnd()}\n`);
    process.exit(0);
  }
  try {
    return parseArgs({ args, options, allowPositionals: false, strict: true }).values;
  } catch (err) {
    process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n(${name} --help shows the usage)\n`);
    process.exit(2);
  }
}
