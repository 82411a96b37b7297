// Runs every web benchmark in turn and prints one JSON array. `npm run bench` can delegate here.
// SOAK_MINUTES (default 30), RENDER_SECONDS (default 60).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const results = [];
for (const script of ["bundleSize.mjs", "render1000.mjs", "soakWall.mjs"]) {
  const run = spawnSync(process.execPath, [join(here, script)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], env: process.env });
  if (run.status !== 0) {
    results.push({ bench: script, error: `exit ${run.status}` });
    continue;
  }
  results.push(JSON.parse(run.stdout));
}
console.log(JSON.stringify(results, null, 2));
