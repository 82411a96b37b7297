import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test } from "./fixtures";
import { WeightOutcome } from "./pages/WeightOutcome";

const WEB = "TCP 192.168.50.101:80";
const RS = "10.50.0.21:8080";

/** The demo's agent process for one director, found by its command line, with the arguments it was started with. */
function demoAgent(demoPid: number, director: string): { pid: number; args: string[] } {
  const found = spawnSync("pgrep", ["-P", String(demoPid), "-f", `agent/dist/main.js .*--director ${director} `], { encoding: "utf8" });
  const pid = Number(found.stdout.trim().split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no agent of ${director} under the demo (pid ${demoPid})`);
  const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((a) => a !== "");
  return { pid, args: args.slice(1) };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));
}

test("a weight set while a director is away reads pending (disconnected), and applied once it is back", async ({ cluster, dashboard }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const row = dashboard.realServer(WEB, RS);
  const outcome = new WeightOutcome(row);
  await expect(row).toHaveAttribute("data-weight", "1");
  const service = dashboard.page.locator(`[data-testid="service"][data-service="${WEB}"]`).first();
  await expect(service.getByTestId("runtime-weight-note")).toContainText("keepalived puts a server's configured weight back at its next health transition or reload");
  await expect(outcome.runtimeNote()).toHaveCount(0);

  const away = demoAgent(cluster.process.pid ?? 0, "lvs-dir-02");
  process.kill(away.pid, "SIGKILL");
  const connected = async () => ((await (await cluster.api("/api/cluster")).json()) as { directors: { id: string; connected: boolean }[] }).directors.find((d) => d.id === "lvs-dir-02")?.connected;
  await expect.poll(connected).toBe(false);

  await outcome.numberField().fill("5");
  await outcome.numberField().press("Enter");
  await expect(outcome.director("lvs-dir-01")).toHaveAttribute("data-state", "ok");
  await expect(outcome.director("lvs-dir-02")).toHaveAttribute("data-state", "disconnected");
  await expect(outcome.director("lvs-dir-02")).toHaveText("lvs-dir-02: pending (disconnected)");
  await expect(outcome.result()).toHaveAttribute("data-state", "partial");
  await expect(outcome.result()).toContainText("weight 5 applied on 1 of 2 directors");
  await expect(outcome.runtimeNote()).toContainText("keepalived puts its configured weight back at this server's next health transition or reload");
  await expect(outcome.runtimeNote()).toContainText("--weight-mode keepalived");

  // The same agent again: the simulated director starts from its configured weight, the one before the change.
  const back = spawn(process.execPath, away.args, { stdio: "ignore" });
  try {
    await expect(outcome.director("lvs-dir-02")).toHaveAttribute("data-state", "ok", { timeout: 20_000 });
    await expect(outcome.result()).toHaveAttribute("data-state", "applied");
    await expect(outcome.result()).toContainText("lvs-dir-02: applied (weight 5)");
  } finally {
    back.kill("SIGTERM");
    await exited(back);
  }
});

test("a director that returns with a third weight shows drift, and Reapply sends the change to it", async ({ cluster, dashboard }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const weightOn = async (id: string) => {
    const body = (await (await cluster.api("/api/cluster")).json()) as { directors: { id: string; connected: boolean; snapshot: { services: { key: string; realServers: { key: string; weight: number }[] }[] } | null }[] };
    const view = body.directors.find((d) => d.id === id);
    return { connected: view?.connected, weight: view?.snapshot?.services.find((s) => s.key === WEB)?.realServers.find((r) => r.key === RS)?.weight };
  };
  // lvs-dir-02 alone at 3: the hub remembers 3 as its weight before the change below.
  const only = await cluster.api("/api/weights", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ service: WEB, realServer: RS, weight: 3, director: "lvs-dir-02" }) });
  expect(only.status).toBe(200);
  await expect.poll(async () => (await weightOn("lvs-dir-02")).weight).toBe(3);
  const away = demoAgent(cluster.process.pid ?? 0, "lvs-dir-02");
  process.kill(away.pid, "SIGKILL");
  await expect.poll(async () => (await weightOn("lvs-dir-02")).connected).toBe(false);

  const outcome = new WeightOutcome(dashboard.realServer(WEB, RS));
  await outcome.numberField().fill("5");
  await outcome.numberField().press("Enter");
  await expect(outcome.director("lvs-dir-02")).toHaveAttribute("data-state", "disconnected");

  // Restarted, the simulated director has its configured weight 1: neither 3 nor 5, so the hub leaves it alone.
  const back = spawn(process.execPath, away.args, { stdio: "ignore" });
  try {
    await expect(outcome.director("lvs-dir-02")).toHaveAttribute("data-state", "drift", { timeout: 20_000 });
    await expect(outcome.director("lvs-dir-02")).toContainText("lvs-dir-02: drift (weight 1) — weight 1 on its return, neither 3 (before the change) nor 5");
    await expect(outcome.result()).toHaveAttribute("data-state", "partial");
    expect((await weightOn("lvs-dir-02")).weight).toBe(1);
    await outcome.director("lvs-dir-02").getByRole("button", { name: "Reapply weight 5 of 10.50.0.21:8080 in TCP 192.168.50.101:80 on lvs-dir-02" }).click();
    await expect(outcome.result()).toHaveAttribute("data-state", "applied");
    await expect(outcome.director("lvs-dir-02")).toHaveAttribute("data-state", "ok");
    await expect.poll(async () => (await weightOn("lvs-dir-02")).weight).toBe(5);
  } finally {
    back.kill("SIGTERM");
    await exited(back);
  }
});

test("while dragging a weight of a persistent service, the preview says existing clients stay", async ({ dashboard }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const seed = "TCP 192.168.50.100:443";
  const slider = dashboard.weightSlider(seed, "192.168.50.11:443");
  const box = await dashboard.pressSlider(slider);
  await dashboard.holdAt(slider, box, 6);
  await expect(dashboard.realServer(seed, "192.168.50.11:443").getByTestId("expected-share")).toContainText(/of new$/);
  const service = dashboard.page.locator(`[data-testid="service"][data-service="${seed}"]`).first();
  await expect(service.getByTestId("persistence-note")).toHaveText("new clients only: existing clients stay up to 120 s (persistence)");
  await dashboard.page.mouse.up();
});
