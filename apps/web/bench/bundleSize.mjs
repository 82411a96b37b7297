// gzip size of the JavaScript the first page load needs (dist/index.html's entry chunk and its static
// imports), beside all JavaScript in dist (the lazily loaded charts included). Build first.
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dist = join(dirname(fileURLToPath(import.meta.url)), "../dist");
const html = readFileSync(join(dist, "index.html"), "utf8");
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;

const entry = /<script[^>]+type="module"[^>]+src="\/([^"]+)"/.exec(html)?.[1];
if (entry === undefined) throw new Error("no module script in dist/index.html: run `npm run build -w @lvsdeck/web` first");
const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+)"/g)].map((m) => m[1]);

/** Follows static `import ... from "./x.js"` of a chunk (not dynamic `import()`). */
function staticImports(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(join(dist, file), "utf8");
  for (const m of code.matchAll(/(?:^|[;}\n])\s*import\s*(?:[\w*{}\s,$]+from\s*)?["']\.\/([^"']+\.js)["']/g)) staticImports(join(dirname(file), m[1]), seen);
  return seen;
}
const initial = new Set([...staticImports(entry), ...preloads]);
const all = readdirSync(join(dist, "assets")).filter((f) => f.endsWith(".js")).map((f) => `assets/${f}`);
const sum = (files) => [...files].reduce((n, f) => n + gz(f), 0);
const initialGzip = sum(initial);
console.log(
  JSON.stringify(
    {
      bench: "initial-js",
      initialFiles: [...initial],
      initialGzipBytes: initialGzip,
      initialGzipKB: Number((initialGzip / 1024).toFixed(1)),
      baselineAllJsGzipKB: Number((sum(all) / 1024).toFixed(1)),
      allFiles: all.map((f) => ({ file: f, gzipKB: Number((gz(f) / 1024).toFixed(1)) })),
      goal: "initial JS under 300 KB gzip",
      pass: initialGzip < 300 * 1024,
    },
    null,
    2,
  ),
);
