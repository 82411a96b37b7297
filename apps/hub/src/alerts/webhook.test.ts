import { afterEach, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Alert } from "@lvsdeck/protocol";
import { createAlertWebhook } from "./webhook";
import { createLogger } from "@lvsdeck/log";

const alert: Alert = { id: "split-brain:88", rule: "split-brain", severity: "critical", message: "two MASTERs", since: 1, scope: { vrid: 88 } };

describe("alert webhook", () => {
  let server: Server | null = null;
  afterEach(() => server?.close());

  const receiver = async (answers: number[]) => {
    const received: unknown[] = [];
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        received.push(JSON.parse(body));
        res.statusCode = answers.shift() ?? 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/hook`, received };
  };

  it("posts raised and cleared alerts in order, retrying a failed delivery", async () => {
    const { url, received } = await receiver([500, 200, 200]);
    const hook = createAlertWebhook(url, { log: createLogger("test", true), hubName: "hub-a", retryBaseMs: 10 });
    hook.notify("alert-raised", alert, 1);
    hook.notify("alert-cleared", alert, 2);
    await expect.poll(() => hook.stats().delivered, { timeout: 3_000 }).toBe(2);
    expect(received.map((r) => (r as { type: string }).type)).toEqual(["alert-raised", "alert-raised", "alert-cleared"]);
    expect(received[0]).toMatchObject({ hub: "hub-a", alert: { id: "split-brain:88" } });
  });

  it("never blocks the caller while the receiver is down: notify returns at once and the queue is bounded", () => {
    const hook = createAlertWebhook("http://127.0.0.1:9/unreachable", { log: createLogger("test", true), hubName: "hub-a", retryBaseMs: 10 });
    // Synchronous, nothing to await: the caller (the hub's evaluation) goes on whatever the receiver does.
    for (let i = 0; i < 2_000; i++) expect(hook.notify("alert-raised", alert, i)).toBeUndefined();
    expect(hook.stats().dropped).toBeGreaterThan(0);
    hook.stop();
  });
});
