// `npm run package`: the agent as one self-contained executable (Node's single-executable applications:
// no Node.js on the director) and, from it, a .deb (dpkg-deb) and an .rpm (rpmbuild), with the systemd
// units of apps/agent/deploy/, the config file under /etc/lvsdeck/ (kept on upgrade) and the system user
// `lvsdeck` for the read-only unit. Everything lands in build/package/; prints what it built, with sizes.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { parseCommandLine } from "./commandLine.mjs";

parseCommandLine(
  "npm run package",
  `usage: npm run package
Builds build/package/lvsdeck-agent (one executable: Node.js and the agent), lvsdeck-agent_VERSION_amd64.deb
and lvsdeck-agent-VERSION-1.x86_64.rpm. Needs dpkg-deb and rpmbuild (Debian packages dpkg and rpm).`,
);

const root = join(fileURLToPath(new URL(".", import.meta.url)), "..");
const out = join(root, "build/package");
const deploy = join(root, "apps/agent/deploy");
const version = /AGENT_VERSION = "([^"]+)"/.exec(readFileSync(join(root, "apps/agent/src/version.ts"), "utf8"))?.[1];
if (version === undefined) throw new Error("cannot read AGENT_VERSION from apps/agent/src/version.ts");
/** The fuse Node's single-executable applications look for (node/src/node_sea.cc). */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
/** glibc and libstdc++ the executable needs: Node 20's own (objdump -T on its binary). */
const NEEDS = { glibc: "2.28", libstdcxx: "3.4.21" };
const log = (m) => process.stderr.write(`[package] ${m}\n`);
const run = (cmd, args, options = {}) => execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", ...options });

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "sea"), { recursive: true });

// 1. One CommonJS script (what a Node 20 single executable embeds), then the executable itself.
log("bundling the agent as CommonJS");
await build({
  entryPoints: [join(root, "apps/agent/src/main.ts")],
  outfile: join(out, "sea/main.cjs"),
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // ws's optional native helpers cannot be loaded from inside the executable: ws's own switches make it
  // use its JavaScript versions without trying (and without Node's warning about require()).
  external: ["bufferutil", "utf-8-validate"],
  define: { "process.env.WS_NO_BUFFER_UTIL": '"1"', "process.env.WS_NO_UTF_8_VALIDATE": '"1"' },
  logLevel: "warning",
});
const seaConfig = join(out, "sea/sea-config.json");
writeFileSync(seaConfig, JSON.stringify({ main: join(out, "sea/main.cjs"), output: join(out, "sea/sea-prep.blob"), disableExperimentalSEAWarning: true, useCodeCache: true }));
run(process.execPath, ["--experimental-sea-config", seaConfig]);
const exe = join(out, "lvsdeck-agent");
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
log(`injecting into a copy of ${process.execPath} (Node ${process.version})`);
run(process.execPath, [join(root, "node_modules/postject/dist/cli.js"), exe, "NODE_SEA_BLOB", join(out, "sea/sea-prep.blob"), "--sentinel-fuse", SEA_FUSE]);
const help = run(exe, ["--help"]);
if (!help.startsWith("usage: lvsdeck-agent")) throw new Error(`the executable does not answer --help:\n${help}`);

// 2. The file tree both packages install.
const stage = join(out, "stage");
const put = (from, to, mode) => {
  mkdirSync(join(stage, to, ".."), { recursive: true });
  copyFileSync(from, join(stage, to));
  chmodSync(join(stage, to), mode);
};
/** The units of apps/agent/deploy/ with the executable in place of Node.js and the bundle. */
const unit = (name) => {
  const text = readFileSync(join(deploy, name), "utf8")
    .replace(/ExecStart=\/usr\/bin\/node \/opt\/lvsdeck\/agent\/lvsdeck-agent\.mjs/g, "ExecStart=/usr/bin/lvsdeck-agent")
    .replace(/^# {3}\/opt\/lvsdeck\/agent\/lvsdeck-agent\.mjs.*$/m, "#   /usr/bin/lvsdeck-agent                 the agent (one executable, Node.js inside)")
    .replace(/^# Node\.js elsewhere than \/usr\/bin\/node.*\n/m, "");
  if (text.includes("/usr/bin/node")) throw new Error(`${name}: ExecStart still runs /usr/bin/node`);
  const path = join(stage, "lib/systemd/system", name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, 0o644);
};
put(exe, "usr/bin/lvsdeck-agent", 0o755);
unit("lvsdeck-agent.service");
unit("lvsdeck-agent-readonly.service");
put(join(deploy, "weight-mode-keepalived.conf"), "usr/share/doc/lvsdeck-agent/examples/weight-mode-keepalived.conf", 0o644);
put(join(deploy, "agent.conf.example"), "etc/lvsdeck/agent.conf", 0o644);
writeFileSync(join(stage, "usr/share/doc/lvsdeck-agent/README"), `lvsdeck-agent ${version}: streams this LVS director's IPVS table and keepalived state to the lvsdeck hub.
Set hub, director and source in /etc/lvsdeck/agent.conf, put the agent token alone in /etc/lvsdeck/agent.token
(root:root, mode 600), then: systemctl enable --now lvsdeck-agent
(or lvsdeck-agent-readonly: no root, as the system user lvsdeck, reading /proc only). lvsdeck-agent --help lists every option.
`);

const description = "lvsdeck agent: an LVS director's IPVS and keepalived state, live, for the lvsdeck hub";
const longDescription = [
  "Streams this director's IPVS table, connection counts and keepalived VRRP state to an lvsdeck hub",
  "over a WebSocket, and applies weight changes and planned failovers the hub asks for. One executable",
  "with Node.js inside: no Node.js needed on the director.",
];
// Maintainer scripts, shared by both packages: one system user for the read-only unit; units reloaded.
const addUser = `if ! getent passwd lvsdeck >/dev/null; then
  useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin --comment "lvsdeck agent (read-only mode)" lvsdeck
fi`;
const reload = `if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null 2>&1 || true; fi`;
const stopUnits = `if [ -d /run/systemd/system ]; then systemctl stop lvsdeck-agent.service lvsdeck-agent-readonly.service >/dev/null 2>&1 || true; fi`;

// 3. The .deb.
log("building the .deb");
const debian = join(stage, "DEBIAN");
mkdirSync(debian, { recursive: true });
const installedKb = Math.ceil(Number(run("du", ["-sk", "--exclude=DEBIAN", stage]).split("\t")[0]));
writeFileSync(join(debian, "control"), `Package: lvsdeck-agent
Version: ${version}
Architecture: amd64
Maintainer: lvsdeck <lvsdeck@localhost>
Installed-Size: ${installedKb}
Depends: libc6 (>= ${NEEDS.glibc}), libstdc++6 (>= 5.2), passwd
Recommends: ipvsadm, keepalived
Section: net
Priority: optional
Description: ${description}
${longDescription.map((l) => ` ${l}`).join("\n")}
`);
writeFileSync(join(debian, "conffiles"), "/etc/lvsdeck/agent.conf\n");
const script = (name, body) => {
  writeFileSync(join(debian, name), `#!/bin/sh\nset -e\n${body}\n`);
  chmodSync(join(debian, name), 0o755);
};
script("postinst", `if [ "$1" = configure ]; then\n${addUser}\nfi\n${reload}`);
script("prerm", `if [ "$1" = remove ] || [ "$1" = deconfigure ]; then\n${stopUnits}\nfi`);
script("postrm", `${reload}\nif [ "$1" = purge ]; then\n  if getent passwd lvsdeck >/dev/null; then userdel lvsdeck >/dev/null 2>&1 || true; fi\n  rmdir /etc/lvsdeck 2>/dev/null || true\nfi`);
const deb = join(out, `lvsdeck-agent_${version}_amd64.deb`);
run("dpkg-deb", ["--root-owner-group", "-Zxz", "--build", stage, deb]);
rmSync(debian, { recursive: true });

// 4. The .rpm, from the same tree (no compiling: rpmbuild only packs it).
log("building the .rpm");
const top = join(out, "rpmbuild");
for (const dir of ["BUILD", "RPMS", "SPECS", "SOURCES", "SRPMS", "BUILDROOT"]) mkdirSync(join(top, dir), { recursive: true });
// Red Hat's units live in /usr/lib/systemd/system (%{_unitdir}), Debian's in /lib/systemd/system.
const rpmPath = (f) => f.replace(/^\/lib\/systemd\//, "/usr/lib/systemd/");
const files = run("find", [".", "-type", "f"], { cwd: stage })
  .split("\n")
  .filter(Boolean)
  .map((f) => rpmPath(f.slice(1)))
  .sort();
const spec = join(top, "SPECS/lvsdeck-agent.spec");
writeFileSync(spec, `Name: lvsdeck-agent
Version: ${version}
Release: 1
Summary: ${description}
License: Proprietary
BuildArch: x86_64
Requires: glibc >= ${NEEDS.glibc}, libstdc++ >= 5.2, shadow-utils
Recommends: ipvsadm, keepalived
AutoReqProv: no
# The executable carries the agent in an ELF note: stripping or debuginfo extraction would cut it off.
%global debug_package %{nil}
%global __os_install_post %{nil}
%global __strip /bin/true
# No /usr/lib/.build-id links: the executable shares its build id with the Node.js it was made from,
# and a nodejs package installed beside it would own the same link.
%global _build_id_links none

%description
${longDescription.join("\n")}

%install
mkdir -p %{buildroot}/usr/lib
cp -a ${stage}/. %{buildroot}/
mv %{buildroot}/lib/systemd %{buildroot}/usr/lib/systemd
rmdir %{buildroot}/lib

%pre
${addUser}

%post
${reload}

%preun
if [ "$1" = 0 ]; then
${stopUnits}
fi

%postun
${reload}

%files
%dir /etc/lvsdeck
%config(noreplace) /etc/lvsdeck/agent.conf
${files.filter((f) => f !== "/etc/lvsdeck/agent.conf").join("\n")}
`);
run("rpmbuild", ["-bb", "--quiet", "--define", `_topdir ${top}`, "--target", "x86_64", spec], { stdio: ["ignore", "pipe", "pipe"] });
const rpm = join(out, `lvsdeck-agent-${version}-1.x86_64.rpm`);
copyFileSync(join(top, "RPMS/x86_64", `lvsdeck-agent-${version}-1.x86_64.rpm`), rpm);

const mib = (path) => `${(statSync(path).size / 1024 / 1024).toFixed(1)} MiB`;
for (const path of [exe, deb, rpm]) process.stdout.write(`${path}\t${mib(path)}\n`);
