// The hub's own starts and stops are on the record, so the time it was away reads as an outage of the
// watcher, not as a quiet cluster.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { eventsResponseSchema, type HubEvent } from "@lvsdeck/protocol";
import { createHub } from "../src/createHub";
import { USERS, login } from "./harness";

const repoRoot = resolve(import.meta.dirname, "../../..");

async function hubEvents(url: string): Promise<HubEvent[]> {
  const cookie = await login(url, USERS.admin.name, USERS.admin.password);
  const body = eventsResponseSchema.parse(await (await fetch(`${url}/api/events?kind=hub`, { headers: { cookie } })).json());
  return body.events.toSorted((a, b) => a.id - b.id);
}

const start = (dataDir: string) => createHub({ port: 0, host: "127.0.0.1", dataDir, agentTokens: [], quiet: true, users: [USERS.admin] });

describe("hub starts and stops", () => {
  it("records a clean stop, and on the next start how long it was down", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "lvsdeck-runs-"));
    const first = await start(dataDir);
    await first.close();
    const second = await start(dataDir);
    try {
      const events = (await hubEvents(second.url)).map((e) => e.event).filter((e) => e.kind === "hub");
      expect(events.map((e) => e.state)).toEqual(["started", "stopped", "started"]);
      const [firstStart, stop, restart] = events;
      expect(firstStart).toMatchObject({ downFrom: null, detail: "first start on this database" });
      expect(restart).toMatchObject({ clean: true, downFrom: stop?.at });
    } finally {
      await second.close();
    }
  });

  it("after a kill -9, dates the outage from the last time the hub was seen alive", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "lvsdeck-runs-"));
    const killed = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "apps/hub/src/main.ts"), "--port", "0", "--host", "127.0.0.1", "--data", dataDir], { cwd: repoRoot, stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    killed.stdout.on("data", (d: Buffer) => (out += d.toString()));
    await vi.waitFor(() => expect(out).toContain("listening"), { timeout: 20_000, interval: 100 });
    const exited = new Promise((done) => killed.once("exit", done));
    killed.kill("SIGKILL");
    await exited;
    const next = await start(dataDir);
    try {
      const events = (await hubEvents(next.url)).map((e) => e.event).filter((e) => e.kind === "hub");
      expect(events.map((e) => e.state)).toEqual(["started", "started"]);
      expect(events[1]).toMatchObject({ clean: false, detail: "after an unclean stop" });
      // Last seen alive: at its start (it lived less than one beat), before the new start.
      const downFrom = events[1]?.kind === "hub" ? (events[1].downFrom ?? 0) : 0;
      expect(downFrom).toBeGreaterThanOrEqual((events[0]?.at ?? Infinity) - 1_000);
      expect(downFrom).toBeLessThanOrEqual(events[1]?.at ?? 0);
    } finally {
      await next.close();
    }
  });
});
