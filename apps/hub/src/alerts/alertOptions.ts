import { defaultVerdictOptions } from "@lvsdeck/cluster";
import type { VerdictOptions } from "@lvsdeck/cluster";

/** The rule thresholds an operator may set, by name: every field of the verdict options. */
export const alertOptionNames = Object.keys(defaultVerdictOptions) as (keyof VerdictOptions)[];

/**
 * Reads `--alert-option NAME=VALUE` flags (e.g. `synFloodMin=500`, `halfOpenShare=0.3`) into verdict
 * options; an unknown name or a value that is not a number of 0 or more is an error naming it.
 */
export function parseAlertOptions(flags: readonly string[]): { options: Partial<VerdictOptions> } | { error: string } {
  const options: Partial<VerdictOptions> = {};
  for (const flag of flags) {
    const [name = "", raw = ""] = flag.split("=", 2);
    if (!(alertOptionNames as string[]).includes(name)) return { error: `--alert-option ${flag}: no option ${JSON.stringify(name)} (options: ${alertOptionNames.join(", ")})` };
    const value = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(value) || value < 0) return { error: `--alert-option ${flag}: the value must be a number of 0 or more` };
    options[name as keyof VerdictOptions] = value;
  }
  return { options };
}
