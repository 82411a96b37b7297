import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { describeIssues } from "./parse";
import { drainsResponseSchema, simFaultResponseSchema } from "./rest";

/** The message the web shows for a body that does not parse (what its `getJson` builds), or null if it parses. */
function errorOf(result: z.ZodSafeParseResult<unknown>): string | null {
  return result.success ? null : describeIssues(result.error);
}

/** `GET /api/drains` as the hub answers it while 192.168.50.12:443 drains on both directors. */
const drainsBody = {
  drains: [
    {
      service: "TCP 192.168.50.100:443",
      realServer: "192.168.50.12:443",
      previousWeight: 2,
      directors: [
        { director: "lvs-dir-01", weight: 0, activeConns: 14, inactiveConns: 3, persistConns: 2, stale: false },
        { director: "lvs-dir-02", weight: 0, activeConns: 0, inactiveConns: 0, persistConns: 0, stale: true },
      ],
    },
  ],
};

describe("GET /api/drains", () => {
  it("reads the hub's drains with their per-director progress", () => {
    expect(drainsResponseSchema.parse(drainsBody)).toEqual(drainsBody);
    expect(drainsResponseSchema.parse({ drains: [] })).toEqual({ drains: [] });
  });

  it("names the offending field of a malformed drain", () => {
    const [drain] = drainsBody.drains;
    const badDirector = { ...drain!, directors: [{ ...drain!.directors[0]!, activeConns: "14" }] };
    expect(errorOf(drainsResponseSchema.safeParse({ drains: [badDirector] }))).toMatch(/^drains\.0\.directors\.0\.activeConns: /);
    expect(errorOf(drainsResponseSchema.safeParse({ drains: [{ ...drain!, previousWeight: -1 }] }))).toMatch(/^drains\.0\.previousWeight: /);
    expect(errorOf(drainsResponseSchema.safeParse({}))).toMatch(/^drains: /);
  });

  it("refuses a real server key that is not an address", () => {
    const [drain] = drainsBody.drains;
    expect(errorOf(drainsResponseSchema.safeParse({ drains: [{ ...drain!, realServer: "$(reboot):443" }] }))).toMatch(/^drains\.0\.realServer: /);
  });
});

describe("POST /api/sim/faults", () => {
  it("reads the simulated director's answer", () => {
    const body = { ok: true, detail: "VRRP link cut on lvs-dir-02: adverts neither sent nor received" };
    expect(simFaultResponseSchema.parse(body)).toEqual(body);
  });

  it("names the offending field of a malformed answer", () => {
    expect(errorOf(simFaultResponseSchema.safeParse({ ok: false, detail: "x" }))).toMatch(/^ok: /);
    expect(errorOf(simFaultResponseSchema.safeParse({ ok: true }))).toMatch(/^detail: /);
  });
});
