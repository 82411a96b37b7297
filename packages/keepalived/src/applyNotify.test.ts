import { readFileSync } from "node:fs";
import type { VrrpInstance } from "@lvsdeck/protocol";
import { describe, expect, it } from "vitest";
import { applyNotify } from "./applyNotify";
import { parseKeepalivedData } from "./parseKeepalivedData";
import { parseNotifyLine } from "./parseNotifyLine";
import type { NotifyLine } from "./parseNotifyLine";

function readFixture(path: string): string {
  return readFileSync(new URL(`../fixtures/${path}`, import.meta.url), "utf8");
}

function instancesOf(file: string): VrrpInstance[] {
  const result = parseKeepalivedData(readFixture(`real/${file}`));
  if (!result.ok) throw new Error(result.error.message);
  return result.value.instances;
}

function line(text: string): NotifyLine {
  const result = parseNotifyLine(text);
  if (!result.ok) throw new Error(result.error.reason);
  return result.value;
}

const now = 1_795_660_970_000;

describe("applyNotify", () => {
  it("turns BACKUP into MASTER and emits the transition with the new priority", () => {
    const before = instancesOf("b-backup.data");
    const { instances, event, ignored } = applyNotify(before, line('INSTANCE "VI_1" MASTER 103'), now);
    expect(event).toEqual({ kind: "vrrp-transition", instance: "VI_1", vrid: 51, from: "BACKUP", to: "MASTER", priority: 103, at: now });
    expect(ignored).toBeNull();
    // The line has no time of its own: the instance keeps keepalived's last_transition until the next dump.
    expect(instances[0]).toMatchObject({ state: "MASTER", effectivePriority: 103, lastTransitionAt: before[0]?.lastTransitionAt, masterRouter: null });
    expect(instances[1]).toBe(before[1]);
    expect(before[0]?.state).toBe("BACKUP");
  });

  it("replays b's real FIFO capture from its first dump to the transitions observed", () => {
    const lines = readFixture("real/b.vrrp_notify_fifo.txt").trimEnd().split("\n").slice(3);
    let instances = instancesOf("b-backup.data");
    const seen: string[] = [];
    lines.forEach((text, i) => {
      const result = applyNotify(instances, line(text), now + i);
      instances = result.instances;
      if (result.event?.kind === "vrrp-transition") seen.push(`${result.event.instance} ${result.event.from}->${result.event.to}`);
    });
    expect(seen.slice(0, 6)).toEqual([
      "VI_1 BACKUP->FAULT",
      "VI web BACKUP->FAULT",
      "VI web FAULT->BACKUP",
      "VI_1 FAULT->BACKUP",
      "VI web BACKUP->MASTER",
      "VI_1 BACKUP->MASTER",
    ]);
    expect(seen.slice(-2)).toEqual(["VI web MASTER->DELETED", "VI_1 MASTER->STOP"]);
    expect(instances.map((instance) => [instance.name, instance.state, instance.effectivePriority])).toEqual([
      ["VI_1", "STOP", 103],
      ["VI web", "DELETED", 100],
    ]);
  });

  it("updates the priority but keeps the state for *_PRIORITY lines, and reports the change as an event", () => {
    const before = instancesOf("a-master.data");
    const raised = applyNotify(before, line('INSTANCE "VI_1" MASTER_PRIORITY 205'), now);
    expect(raised).toMatchObject({ ignored: "no-state-change" });
    expect(raised.event).toEqual({ kind: "vrrp-priority", instance: "VI_1", vrid: 51, change: "changed", from: 200, to: 205, at: now });
    expect(raised.instances[0]).toMatchObject({ state: "MASTER", effectivePriority: 205 });
    // Seen from real 2.2.7 after a reload: BACKUP_PRIORITY written for an instance that is MASTER.
    expect(applyNotify(before, line('INSTANCE "VI_1" BACKUP_PRIORITY 200'), now).instances[0]?.state).toBe("MASTER");
  });

  it("keeps state and priority on MASTER_RX_LOWER_PRI, and reports the lower-priority advert heard", () => {
    const before = instancesOf("a-master.data");
    const lower = applyNotify(before, line('INSTANCE "VI web" MASTER_RX_LOWER_PRI 200'), now);
    expect(lower).toEqual({
      instances: before,
      event: { kind: "vrrp-priority", instance: "VI web", vrid: 52, change: "lower-advert-heard", from: null, to: 200, at: now },
      ignored: "no-state-change",
    });
  });

  it("ignores repeats, groups, checker lines and unknown instances", () => {
    const before = instancesOf("a-master.data");
    expect(applyNotify(before, line('INSTANCE "VI_1" MASTER 200'), now)).toEqual({ instances: before, event: null, ignored: "no-state-change" });
    expect(applyNotify(before, line('GROUP "G web" FAULT 0'), now).ignored).toBe("not-an-instance");
    expect(applyNotify(before, line("VS FWM 7 UP"), now).ignored).toBe("not-an-instance");
    expect(applyNotify(before, line('INSTANCE "VI_9" MASTER 200'), now)).toEqual({ instances: before, event: null, ignored: "unknown-instance" });
  });

  it("maps {UNKNOWN} to the UNKNOWN state", () => {
    const { event } = applyNotify(instancesOf("a-master.data"), line('INSTANCE "VI_1" {UNKNOWN} 200'), now);
    expect(event).toMatchObject({ from: "MASTER", to: "UNKNOWN" });
  });
});
