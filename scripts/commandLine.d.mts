import type { ParseArgsConfig } from "node:util";

/** Parses process.argv after handling --help / -h; exits 2 with one line on a mistyped flag. */
export function parseCommandLine(name: string, usage: string, options?: ParseArgsConfig["options"], args?: string[]): Record<string, string | boolean | string[] | boolean[] | undefined>;
