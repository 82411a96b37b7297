// Makes a fresh Debian 12 checkout ready, so `npm start` and `npm test` are each one command.
// `node scripts/ensure.mjs start`: npm packages only. `node scripts/ensure.mjs test`: also the Debian
// packages the tests drive for real (Chromium, keepalived, QEMU and the VM lab's tools), as root.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
const mode = process.argv[2] ?? "start";
/** Debian packages the tests need, with a file that shows each is installed. */
const DEBIAN = {
  chromium: "/usr/bin/chromium",
  keepalived: "/usr/sbin/keepalived",
  iproute2: "/usr/bin/ip",
  "qemu-system-x86": "/usr/bin/qemu-system-x86_64",
  "busybox-static": "/bin/busybox",
  cpio: "/usr/bin/cpio",
  kmod: "/sbin/depmod",
  lz4: "/usr/bin/lz4",
  bc: "/usr/bin/bc",
  binutils: "/usr/bin/objcopy",
  // rpmbuild, for the agent's .rpm (npm run package; the package test checks it with rpm -qp).
  rpm: "/usr/bin/rpmbuild",
  // promtool checks /metrics, the rules in deploy/prometheus and the dashboard's queries.
  prometheus: "/usr/bin/promtool",
  // The hub's alerts are tested in a real Alertmanager.
  "prometheus-alertmanager": "/usr/bin/prometheus-alertmanager",
  // The hub's PostgreSQL store is tested against throwaway clusters (apps/hub/test/services.ts).
  postgresql: "/usr/lib/postgresql/15/bin/postgres",
  // Clustered hubs share a NATS JetStream bus; the tests start a real nats-server (apps/hub/test/services.ts).
  "nats-server": "/usr/sbin/nats-server",
  // Clustered hubs are tested, and the cluster lab runs, behind HAProxy as a site would deploy them.
  haproxy: "/usr/sbin/haproxy",
};

function run(command, args) {
  console.error(`[ensure] ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive", PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (mode === "test") {
  const missing = Object.entries(DEBIAN).filter(([, file]) => !existsSync(file)).map(([name]) => name);
  if (missing.length > 0) {
    if (process.getuid?.() !== 0) {
      console.error(`[ensure] the tests need these Debian packages: ${missing.join(" ")}\n  run: sudo apt-get install ${missing.join(" ")}`);
      process.exit(1);
    }
    run("apt-get", ["update", "-qq"]);
    run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing]);
  }
}
if (!existsSync(join(root, "node_modules/.package-lock.json"))) run("npm", ["ci", "--no-audit", "--no-fund"]);
