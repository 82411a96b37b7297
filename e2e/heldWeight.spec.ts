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

test("while dragging a weight of a persistent service, the preview says existing clients stay", async ({ dashboard }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const seed = "TCP 192.168.50.100:443";
  const slider = dashboard.weightSlider(seed, "192.168.50.11:443");
  await slider.scrollIntoViewIfNeeded();
  const box = await slider.boundingBox();
  if (!box) throw new Error("slider not visible");
  await dashboard.page.mouse.move(box.x + 2, box.y + box.height / 2);
  await dashboard.page.mouse.down();
  const max = Number(await slider.getAttribute("max"));
  await dashboard.page.mouse.move(box.x + (6 / max) * box.width, box.y + box.height / 2, { steps: 6 });
  await expect(dashboard.realServer(seed, "192.168.50.11:443").getByTestId("expected-share")).toContainText(/new clients: \d+%; existing clients stay up to 120 s \(persistence\)/);
  await dashboard.page.mouse.up();
});
