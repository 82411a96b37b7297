import { sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import { vrrp } from "@lvsdeck/cluster/fixtures";
import { connectFakeAgent, expect, test } from "./fixtures";

// An agent that sends a table dated in the far future: the hub refuses that frame, keeps the last good
// one, and the director's card says it is sending bad data instead of quietly showing the old table.
const DIRECTOR = "lvs-dir-09";
const table = (takenAt: number) => ({ ...sampleSnapshot(DIRECTOR, takenAt), vrrp: [vrrp(77, "MASTER", ["198.51.100.120"])], vipsPresent: ["198.51.100.120"] });

test("a director whose agent sends a refused frame is marked as sending bad data, its last good table kept", async ({ dashboard, cluster }) => {
  const agent = await connectFakeAgent(cluster, { director: DIRECTOR, sources: ["ipvsadm"], capabilities: [] }, table(Date.now()));
  try {
    const card = dashboard.director(DIRECTOR).first();
    await expect(card).toBeVisible({ timeout: 15_000 });
    await expect(card.getByTestId("director-bad-data")).toHaveCount(0);
    agent.send(JSON.stringify({ type: "snapshot", snapshot: table(1e308) }));
    await expect(card.getByTestId("director-bad-data")).toHaveText(/sending bad data: 1 frame refused or corrected since it connected; last: snapshot refused: takenAt 1e\+308/);
    await expect(card).toHaveAttribute("data-stale", "false");
  } finally {
    agent.close();
  }
});
