// Builds (lab/vm/build.sh) and boots the lab VM under QEMU, and hands back its control channel.
import { spawn, execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { connectControl } from "./control.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const LAB_DIR = join(here, "..");
export const REPO_DIR = join(LAB_DIR, "../..");

/** Guest memory (MiB): node's 86 MB binary lives in the initramfs, plus three node processes. */
const GUEST_MEMORY_MIB = 1024;
/** Wall-clock limit of a VM (s): QEMU is killed after it, whatever happens. */
const DEFAULT_VM_TIMEOUT_S = 600;
/** Each director's management NIC; guest/lib.sh finds its NIC by this MAC. */
const DIRECTOR_MACS = ["52:54:00:1a:b0:01", "52:54:00:1a:b0:02"];

/** Runs build.sh and returns the kernel and initrd paths it printed. */
export async function buildImage({ log = console.error } = {}) {
  const started = Date.now();
  const { stdout, stderr } = await promisify(execFile)("bash", [join(LAB_DIR, "build.sh")], { maxBuffer: 16 << 20 });
  if (stderr.trim()) log(stderr.trim());
  const value = (key) => new RegExp(`^${key}=(.*)$`, "m").exec(stdout)?.[1];
  const kernel = value("KERNEL");
  const initrd = value("INITRD");
  if (!kernel || !initrd) throw new Error(`build.sh printed no KERNEL/INITRD:\n${stdout}`);
  return { kernel, initrd, buildMs: Date.now() - started };
}

/**
 * Boots the VM. `params` become `lab.KEY=VALUE` on the kernel command line (guest/init turns them into
 * LAB_KEY shell variables): hub (URL as the guest sees it), token, weightmode, tick, agentargs.
 */
export async function bootVm({ kernel, initrd, params = {}, accel = process.env.LAB_ACCEL ?? "tcg", timeoutSec = DEFAULT_VM_TIMEOUT_S, log = console.error, workDir }) {
  const dir = workDir ?? (await mkdtemp(join(tmpdir(), "lvsdeck-vm-")));
  const consolePath = join(dir, "console.log");
  const controlPath = join(dir, "control.sock");
  const cmdline = [
    "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init 8250.nr_uarts=2",
    "i8042.noaux i8042.nokbd i8042.nopnp tsc=reliable no_timer_check",
    ...Object.entries(params).map(([k, v]) => {
      if (/\s/.test(String(v))) throw new Error(`lab.${k} must not contain spaces`);
      return `lab.${k}=${v}`;
    }),
  ].join(" ");
  // QEMU 7.2 on nested hosts aborts on MSR 0x10a without -arch-capabilities.
  const cpu = accel === "kvm" ? "host,-arch-capabilities" : "max";
  const args = [
    "-machine", `pc,accel=${accel}`, "-cpu", cpu, "-smp", "2", "-m", String(GUEST_MEMORY_MIB),
    "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
    "-kernel", kernel, "-initrd", initrd, "-append", cmdline,
    "-serial", `file:${consolePath}`,
    "-chardev", `socket,id=ctl,path=${controlPath},server=on,wait=off`, "-serial", "chardev:ctl",
    // one user-network NIC per director: the guest reaches the host's loopback at 10.0.2.2, nothing else is set up
    ...DIRECTOR_MACS.flatMap((mac, i) => ["-netdev", `user,id=mgmt${i}`, "-device", `virtio-net-pci,netdev=mgmt${i},mac=${mac}`]),
  ];
  const started = Date.now();
  const qemu = spawn("timeout", [String(timeoutSec), "qemu-system-x86_64", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let qemuOutput = "";
  qemu.stdout.on("data", (d) => (qemuOutput += d));
  qemu.stderr.on("data", (d) => (qemuOutput += d));
  // never leave a VM behind: if this process dies, QEMU goes with it
  const killOnExit = () => qemu.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exited = new Promise((resolve) => qemu.on("exit", (code, signal) => resolve({ code, signal })));
  exited.then(({ code, signal }) => log(`qemu exited (code ${code}, signal ${signal}) after ${((Date.now() - started) / 1000).toFixed(1)} s${qemuOutput ? `: ${qemuOutput.trim()}` : ""}`));
  exited.then(() => process.off("exit", killOnExit));
  const control = await connectControl(controlPath);

  async function stop() {
    if (!control.closed) {
      await Promise.race([control.run("poweroff", 5_000).catch(() => {}), exited]);
    }
    control.close();
    const timer = setTimeout(() => qemu.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
    if (!workDir && !process.env.LAB_KEEP) await rm(dir, { recursive: true, force: true });
  }
  return { control, consolePath, dir, started, exited, stop, qemu };
}
