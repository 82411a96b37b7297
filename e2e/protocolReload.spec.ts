import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

/**
 * Stands in for a hub upgrade under an open page: the real hub's hello reaches the page with another
 * protocol version, on the first `upgradedConnections` sockets only (a reload then gets the real one).
 */
async function hubSpeaksAnotherProtocol(page: Page, upgradedConnections: number): Promise<{ connections: () => number }> {
  let connections = 0;
  await page.routeWebSocket(/\/ws\/ui/, (ws) => {
    const rewrite = connections < upgradedConnections;
    connections += 1;
    const server = ws.connectToServer();
    server.onMessage((message) => {
      if (rewrite && typeof message === "string") {
        const frame = JSON.parse(message) as { type: string; protocolVersion?: number };
        if (frame.type === "hello") return ws.send(JSON.stringify({ ...frame, protocolVersion: (frame.protocolVersion ?? 0) + 1 }));
      }
      ws.send(message);
    });
    ws.onMessage((message) => server.send(message));
  });
  return { connections: () => connections };
}

/** Marks the document, so the test can tell whether the page has been reloaded since. */
const markDocument = (page: Page) => page.evaluate(() => document.documentElement.setAttribute("data-before-reload", "yes"));

for (const path of ["/", "/wall"]) {
  test(`${path}: a page whose hub changed protocol says so, reloads itself and is live again`, async ({ page, cluster }) => {
    const socket = await hubSpeaksAnotherProtocol(page, 1);
    await page.goto(`${cluster.url}${path}`);
    const notice = page.getByTestId("protocol-reload");
    await expect(notice).toContainText("The hub was upgraded");
    await expect(notice).toHaveAttribute("data-plan", "reload");
    await markDocument(page);
    await expect(notice).toContainText(/reloading this page in \d s/);
    // The reload brings the hub's own web app, which speaks its protocol: the notice is gone and data flows.
    await expect(page.locator("html[data-before-reload]")).toHaveCount(0, { timeout: 20_000 });
    await expect(notice).toHaveCount(0);
    // The reloaded page opens its own socket once its scripts have run: wait for it, do not assume it.
    await expect.poll(() => socket.connections()).toBeGreaterThanOrEqual(2);
    if (path === "/wall") await expect(page.locator('[data-testid="wall-tile"][data-vip="192.168.50.100"]')).toHaveAttribute("data-master", "lvs-dir-01", { timeout: 15_000 });
    else await expect(page.getByTestId("connection")).toHaveAttribute("data-state", "open");
  });
}

test("a page that still does not speak the hub's protocol after its reload stops reloading and says why", async ({ page, cluster }) => {
  await hubSpeaksAnotherProtocol(page, Number.POSITIVE_INFINITY);
  await page.goto(`${cluster.url}/wall`);
  await markDocument(page);
  await expect(page.locator("html[data-before-reload]")).toHaveCount(0, { timeout: 20_000 });
  const notice = page.getByTestId("protocol-reload");
  await expect(notice).toHaveAttribute("data-plan", "gave-up");
  await expect(notice).toContainText("This page cannot follow the hub");
  await expect(notice).toContainText("after a reload at");
});
