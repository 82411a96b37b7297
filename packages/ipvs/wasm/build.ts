// Writes src/procScanWasm.ts from procScan.wat: `npm run build:wasm -w @lvsdeck/ipvs` after changing it.
import { writeFileSync } from "node:fs";
import { compileProcScan } from "./compileWat";

const base64 = await compileProcScan();
const out = new URL("../src/procScanWasm.ts", import.meta.url);
writeFileSync(
  out,
  `// Generated from wasm/procScan.wat by \`npm run build:wasm -w @lvsdeck/ipvs\`; do not edit.\n` +
    `/** The fast path of the /proc/net/ip_vs_conn state counter, as a WebAssembly binary in base64. */\n` +
    `export const PROC_SCAN_WASM = "${base64}";\n`,
);
process.stdout.write(`wrote ${out.pathname} (${Buffer.from(base64, "base64").length} bytes of WebAssembly)\n`);
