// Bundles a Node app (and the workspace packages it imports as TypeScript source) into one ESM file.
// Usage: node scripts/bundle.mjs <entry.ts> <out.js> [external ...]
import { build } from "esbuild";

const [entry, outfile, ...external] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error("usage: bundle.mjs <entry.ts> <out.js> [external ...]");
  process.exit(2);
}
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  external: ["bufferutil", "utf-8-validate", ...external],
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: { js: "import { createRequire as __lvsdeckCreateRequire } from 'node:module'; const require = __lvsdeckCreateRequire(import.meta.url);" },
  logLevel: "warning",
});
