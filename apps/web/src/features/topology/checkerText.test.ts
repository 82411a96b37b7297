import { describe, expect, it } from "vitest";
import type { RealServerKey } from "@lvsdeck/protocol";
import { sampleRealServer } from "@lvsdeck/protocol/testFixtures";
import { checkerProcessText, checkerTitle, healthText, quorumText } from "./checkerText";
import { realServerStatus } from "./graphModel";

const removed = { ...sampleRealServer("203.0.113.12", 80, 2), health: "down" as const, inKernel: false, checker: { types: ["TCP_CHECK"], alive: false, failedCheckers: 1, lastChangeAt: null } };

describe("a real server keepalived removed from the kernel table", () => {
  it("reads 'down — removed by its checker', with its checker type in the tooltip", () => {
    expect(healthText(removed)).toBe("down — removed by its checker");
    expect(checkerTitle(removed)).toBe("TCP_CHECK · failed · 1 failed checker · not in the kernel table: takes no connections");
  });

  it("is down in the n/m up count; one alive but taken out by a lost quorum is not up either", () => {
    expect(realServerStatus(removed)).toBe("down");
    expect(realServerStatus({ ...removed, health: "up" })).toBe("quiesced");
    expect(healthText({ ...removed, health: "up" })).toBe("up — not in the kernel table");
    expect(realServerStatus({ ...removed, health: "up", inKernel: true })).toBe("up");
  });

  it("a server without keepalived's view reads its plain health", () => {
    expect(healthText(sampleRealServer("203.0.113.11", 80, 2))).toBe(sampleRealServer("203.0.113.11", 80, 2).health);
    expect(checkerTitle(sampleRealServer("203.0.113.11", 80, 2))).toBeUndefined();
  });
});

describe("quorumText and checkerProcessText", () => {
  it("says a lost quorum and the sorry server in use, and nothing while the quorum holds", () => {
    expect(quorumText({ quorum: 2, quorumUp: false, sorryServer: "203.0.113.12:8083" as RealServerKey, sorryServerInUse: true })).toBe("quorum lost (needs 2) · sorry server 203.0.113.12:8083 in use");
    expect(quorumText({ quorum: 1, quorumUp: true, sorryServer: null, sorryServerInUse: false })).toBeNull();
    expect(quorumText(undefined)).toBeNull();
  });

  it("says a silent or dead checker, and nothing for one that answers", () => {
    expect(checkerProcessText({ pid: 421, running: true, lastDumpAt: 1, silent: false })).toBeNull();
    expect(checkerProcessText({ pid: 421, running: true, lastDumpAt: null, silent: true })).toBe("silent: no dump answered");
    expect(checkerProcessText({ pid: null, running: false, lastDumpAt: null, silent: false })).toBe("not running");
  });
});
