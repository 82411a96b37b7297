// One odd value from a director degrades the one object holding it; the director stays fresh and whole.
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawn, type ChildProcess } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { PROTOCOL_VERSION, healthResponseSchema } from "@lvsdeck/protocol";
import { sampleRealServer, sampleService, sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import { TOKEN, agentBin, api, director, startHub, stopAll } from "./harness";

const ipvsFixtures = fileURLToPath(new URL("../../../packages/ipvs/fixtures/real/", import.meta.url));
const DIRECTOR = "odd-dir";

type Loose = Record<string, unknown>;

/** The sample snapshot with a weight above 65535, a `twos` service and a malformed real server. */
function oddSnapshot(takenAt: number): Loose {
  const big = sampleService("192.0.2.10", 443, [sampleRealServer("192.0.2.11", 443, 100_000), sampleRealServer("192.0.2.12", 443, 2)]);
  const twos = { ...sampleService("192.0.2.20", 80, [sampleRealServer("192.0.2.21", 80, 1)]), scheduler: "twos" };
  const malformed = sampleService("192.0.2.30", 53, [sampleRealServer("192.0.2.31", 53, 1), { ...sampleRealServer("192.0.2.32", 53, 1), activeConns: "lots" } as never]);
  const vrrp = { name: "VI_1", vrid: 51, interface: "eth0", state: "MASTER", basePriority: 150, effectivePriority: 150, advertIntervalMs: 1000, preempt: true, vips: ["192.0.2.10"], lastTransitionAt: null, masterRouter: null, syncGroup: null };
  return { ...sampleSnapshot(DIRECTOR, takenAt), services: [big, twos, malformed], vrrp: [vrrp] };
}

function connect(url: string): Promise<{ ws: WebSocket; errors: string[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace("http", "ws")}/ws/agent`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const errors: string[] = [];
    ws.on("message", (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; message?: string };
      if (frame.type === "welcome") resolve({ ws, errors });
      if (frame.type === "error") errors.push(frame.message ?? "");
    });
    ws.once("open", () =>
      ws.send(JSON.stringify({ type: "hello", protocolVersion: PROTOCOL_VERSION, director: DIRECTOR, agentVersion: "test", sources: ["test"], capabilities: [], weightMode: "runtime", tickMs: 1000 })),
    );
    ws.once("error", reject);
  });
}

describe("tolerant ingestion of agent snapshots", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("keeps a director fresh and whole when one weight is above 65535, one scheduler unknown and one real server malformed", async () => {
    const hub = await startHub();
    cleanups.push(() => hub.close());
    const { ws, errors } = await connect(hub.url);
    cleanups.push(() => ws.close());
    ws.send(JSON.stringify({ type: "snapshot", snapshot: oddSnapshot(Date.now()) }));

    await expect.poll(async () => (await director(hub.url, DIRECTOR))?.snapshot?.services.length).toBe(3);
    expect((await director(hub.url, DIRECTOR))?.stale).toBe(false);
    const snapshot = (await director(hub.url, DIRECTOR))?.snapshot;
    expect(snapshot?.services.map((s) => s.key)).toEqual(["TCP 192.0.2.10:443", "TCP 192.0.2.20:80", "TCP 192.0.2.30:53"]);
    expect(snapshot?.services[0]?.realServers[0]?.weight).toBe(100_000);
    expect(snapshot?.services[0]?.issues).toBeUndefined();
    expect(snapshot?.services[1]?.scheduler).toBe("twos");
    const odd = snapshot?.services[2]?.realServers[1];
    expect(odd).toMatchObject({ key: "192.0.2.32:53", health: "unknown", issues: [{ field: "activeConns", raw: "lots" }] });
    expect(snapshot?.services[2]?.realServers[0]).toEqual(sampleRealServer("192.0.2.31", 53, 1));

    // Deltas after it are applied too: the director's data keeps moving.
    const later = Date.now() + 1;
    const upsert = (oddSnapshot(later).services as Loose[])[2];
    ws.send(JSON.stringify({ type: "delta", takenAt: later, upsertServices: [upsert], removeServices: ["TCP 192.0.2.20:80"] }));
    await expect.poll(async () => (await director(hub.url, DIRECTOR))?.snapshot?.takenAt).toBe(later);
    expect((await director(hub.url, DIRECTOR))?.snapshot?.services).toHaveLength(2);

    const health = healthResponseSchema.parse(await (await fetch(`${hub.url}/api/health`)).json());
    expect(health.protocolErrors).toBe(0);
    // The malformed real server, once in the snapshot and once in the delta.
    expect(health.flaggedObjects).toBe(2);
    expect(health.droppedObjects).toBe(0);
    expect(errors).toEqual([]);
    await expect.poll(async () => (await fetch(`${hub.url}/metrics`)).text()).toMatch(/^lvsdeck_hub_agent_objects_unreadable_total\{outcome="flagged"\} 2$/m);
  });

  it("answers POST /api/weights with a clear 400 for a weight above 2147483647, negative or not whole", async () => {
    const hub = await startHub();
    cleanups.push(() => hub.close());
    const post = (weight: unknown) =>
      api(`${hub.url}/api/weights`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ service: "TCP 192.0.2.10:443", realServer: "192.0.2.11:443", weight }) });
    for (const [weight, message] of [
      [2147483648, /weight: a weight is at most 2147483647/],
      [-1, /weight: a weight is 0 or more/],
      [1.5, /weight: a weight is a whole number/],
    ] as const) {
      const response = await post(weight);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(message);
    }
    // A weight the kernel holds passes validation: the refusal is about the service, not the number.
    expect((await post(2147483647)).status).not.toBe(400);
  });

  describe("a real agent on a director with a virtual_server_group", () => {
    let children: ChildProcess[] = [];
    afterEach(async () => {
      await stopAll(children);
      children = [];
    });

    it("ships twos and a weight of 2147483647 from real captures, and a group's RS line lands on the group's service", async () => {
      const hub = await startHub();
      cleanups.push(() => hub.close());
      const dir = mkdtempSync(join(tmpdir(), "lvsdeck-odd-"));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      writeFileSync(
        join(dir, "Ln.txt"),
        readFileSync(join(ipvsFixtures, "ipvsadm-Ln.txt"), "utf8")
          .replace("TCP  10.0.0.100:80 wrr persistent 300", "TCP  10.0.0.100:80 twos persistent 300")
          .replace("  -> 10.0.0.12:8080               Masq    1 ", "  -> 10.0.0.12:8080               Masq    2147483647 "),
      );
      const ipvsadm = join(dir, "ipvsadm");
      writeFileSync(ipvsadm, `#!/bin/sh\ncase "$*" in\n  "-Ln") cat '${join(dir, "Ln.txt")}' ;;\n  *) exit 255 ;;\nesac\n`);
      chmodSync(ipvsadm, 0o755);
      const fifo = join(dir, "notify.log");
      writeFileSync(fifo, "");
      const args = ["--hub", hub.url, "--director", DIRECTOR, "--token", TOKEN, "--tick-ms", "250", "--source", "ipvsadm,keepalived"];
      args.push("--ipvsadm", ipvsadm, "--keepalived-fifo", fifo, "--keepalived-pid-file", join(dir, "none.pid"), "--keepalived-data", join(dir, "none.data"), "--no-ip");
      const child = spawn(process.execPath, [agentBin, ...args], { stdio: ["ignore", "ignore", "pipe"] });
      child.stderr?.resume();
      children.push(child);

      const service = async () => (await director(hub.url, DIRECTOR))?.snapshot?.services.find((s) => s.key === "TCP 10.0.0.100:80");
      await expect.poll(async () => (await service())?.scheduler, { timeout: 15_000 }).toBe("twos");
      expect((await service())?.realServers.find((rs) => rs.key === "10.0.0.12:8080")?.weight).toBe(2147483647);
      // The agent follows the notify FIFO from its end; keepalived names a group's virtual server `[<group>]:<port>`.
      appendFileSync(fifo, "RS [10.0.0.11]:tcp:8080 [web_group]:0 DOWN\n");
      await expect.poll(async () => (await service())?.realServers.find((rs) => rs.key === "10.0.0.11:8080")?.health, { timeout: 15_000 }).toBe("down");
      expect((await director(hub.url, DIRECTOR))?.stale).toBe(false);
    });
  });
});
