import { expect, test } from "./fixtures";

const SEED = "TCP 192.168.50.100:443";
const WEB = "TCP 192.168.50.101:80";

test("shows both directors with lvs-dir-01 as MASTER, both fresh", async ({ dashboard }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  await expect(dashboard.director("lvs-dir-02")).toHaveAttribute("data-state", "BACKUP");
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-stale", "false");
  await expect(dashboard.director("lvs-dir-02")).toHaveAttribute("data-stale", "false");
  await expect(dashboard.realServer(SEED, "192.168.50.11:443")).toHaveAttribute("data-weight", "2");
  await expect(dashboard.realServer(SEED, "192.168.50.12:443")).toHaveAttribute("data-weight", "2");
});

test("stopping the MASTER director makes lvs-dir-02 MASTER on screen within 5 s", async ({ dashboard }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  await dashboard.simButton("Stop lvs-dir-01").click();
  await expect(dashboard.director("lvs-dir-02")).toHaveAttribute("data-state", "MASTER", { timeout: 5_000 });
  await expect(dashboard.director("lvs-dir-01")).not.toHaveAttribute("data-state", "MASTER");
});
