// The host end of the VM's control channel: the guest's second serial port (ttyS1) is a Unix socket
// on the host. Requests are `ID COMMAND\n`; the guest answers `@@begin ID`, output, `@@end ID RC`
// (see guest/control.sh). One request at a time: the guest runs them sequentially anyway.
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** How long to wait for the guest's control loop to answer its first ping (ms): boot + scenario. */
export const CONTROL_READY_TIMEOUT_MS = 90_000;
/** Default deadline of one command (ms). */
export const COMMAND_TIMEOUT_MS = 30_000;

/** Connects to the control socket (retrying until QEMU created it) and returns a client. */
export async function connectControl(socketPath, { log = () => {} } = {}) {
  let socket;
  for (let i = 0; ; i++) {
    try {
      socket = await new Promise((resolve, reject) => {
        const s = net.connect(socketPath, () => resolve(s));
        s.once("error", reject);
      });
      break;
    } catch (err) {
      if (i > 200) throw new Error(`control socket ${socketPath}: ${err.message}`);
      await sleep(100);
    }
  }
  let buffer = "";
  let pending = null; // { id, lines, resolve, reject, timer, started }
  let nextId = 1;
  let closed = false;
  socket.setEncoding("utf8");
  socket.on("data", (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf("\n")) !== -1) {
      const line = buffer.slice(0, nl).replace(/\r$/, "");
      buffer = buffer.slice(nl + 1);
      onLine(line);
    }
  });
  socket.on("close", () => {
    closed = true;
    pending?.reject(new Error("control channel closed"));
  });
  function onLine(line) {
    if (!pending) return;
    if (line === `@@begin ${pending.id}`) return void (pending.started = true);
    const end = /^@@end (\S+) (\d+)$/.exec(line);
    if (end && end[1] === pending.id) {
      const p = pending;
      pending = null;
      clearTimeout(p.timer);
      return p.resolve({ rc: Number(end[2]), output: p.lines.join("\n") });
    }
    if (pending.started) pending.lines.push(line);
  }

  /** Runs a shell command in the guest (with /lab/lib.sh loaded); resolves with its rc and output. */
  function run(command, timeoutMs = COMMAND_TIMEOUT_MS) {
    if (closed) return Promise.reject(new Error("control channel closed"));
    if (pending) return Promise.reject(new Error("control channel busy"));
    if (command.includes("\n")) return Promise.reject(new Error("one line per command"));
    const id = `c${nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending = null;
        reject(new Error(`guest command timed out after ${timeoutMs} ms: ${command}`));
      }, timeoutMs);
      pending = { id, lines: [], resolve, reject, timer, started: false };
      log(`guest$ ${command}`);
      socket.write(`${id} ${command}\n`);
    });
  }

  /** Like run, but throws when the command exits non-zero. */
  async function check(command, timeoutMs) {
    const result = await run(command, timeoutMs);
    if (result.rc !== 0) throw new Error(`guest command failed (rc=${result.rc}): ${command}\n${result.output}`);
    return result.output;
  }

  /** Waits until the guest's control loop answers (it starts after the scenario is up). */
  async function ready(timeoutMs = CONTROL_READY_TIMEOUT_MS) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        const r = await run("echo pong", 2_000);
        if (r.output.trim() === "pong") return;
      } catch (err) {
        if (closed) throw err;
      }
    }
    throw new Error(`guest control channel not ready after ${timeoutMs} ms`);
  }

  return { run, check, ready, close: () => socket.destroy(), get closed() { return closed; } };
}
