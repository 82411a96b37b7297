import { readFileSync } from "node:fs";
import wabt from "wabt";

/** The scanner's WebAssembly source, beside this file. */
export const PROC_SCAN_WAT = new URL("./procScan.wat", import.meta.url);

/** Compiles the scanner's text format to its binary, base64-encoded, as src/procScanWasm.ts holds it. */
export async function compileProcScan(): Promise<string> {
  const tools = await wabt();
  const parsed = tools.parseWat("procScan.wat", readFileSync(PROC_SCAN_WAT, "utf8"));
  try {
    parsed.validate();
    return Buffer.from(parsed.toBinary({}).buffer).toString("base64");
  } finally {
    parsed.destroy();
  }
}
