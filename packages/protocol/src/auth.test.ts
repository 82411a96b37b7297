import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { describeIssues } from "./parse";
import { tokensResponseSchema, usersResponseSchema } from "./auth";

/** The message the web shows for a body that does not parse (what its `getJson` builds), or null if it parses. */
function errorOf(result: z.ZodSafeParseResult<unknown>): string | null {
  return result.success ? null : describeIssues(result.error);
}

/** `GET /api/users` as the hub answers it: one user per role, one scoped to a VIP, one disabled. */
const usersBody = {
  users: [
    { name: "ada", role: "admin", vips: null, createdAt: 1_767_225_600_000, disabled: false },
    { name: "otto", role: "operator", vips: ["192.168.50.101"], createdAt: 1_767_225_600_000, disabled: false },
    { name: "vera", role: "viewer", vips: null, createdAt: 1_767_225_600_000, disabled: true },
  ],
};

/** `GET /api/tokens` as the hub answers it: an agent token and a revoked wall token. */
const tokensBody = {
  tokens: [
    { id: "tok_1", kind: "agent", name: "lvs-dir-03", director: "lvs-dir-03", vips: null, createdAt: 1_767_225_600_000, revokedAt: null },
    { id: "tok_2", kind: "wall", name: "noc", director: null, vips: ["192.168.50.101"], createdAt: 1_767_225_600_000, revokedAt: 1_767_229_200_000 },
  ],
};

describe("GET /api/users", () => {
  it("reads the hub's users", () => {
    expect(usersResponseSchema.parse(usersBody)).toEqual(usersBody);
  });

  it("names the offending field of a malformed user", () => {
    const bad = { users: [usersBody.users[0], { ...usersBody.users[1], role: "root" }] };
    expect(errorOf(usersResponseSchema.safeParse(bad))).toMatch(/^users\.1\.role: /);
    expect(errorOf(usersResponseSchema.safeParse({ users: [{ ...usersBody.users[0], disabled: "no" }] }))).toMatch(/^users\.0\.disabled: /);
    expect(errorOf(usersResponseSchema.safeParse([]))).toMatch(/^\(frame\): /);
  });
});

describe("GET /api/tokens", () => {
  it("reads the hub's tokens, revoked ones included", () => {
    expect(tokensResponseSchema.parse(tokensBody)).toEqual(tokensBody);
  });

  it("names the offending field of a malformed token", () => {
    expect(errorOf(tokensResponseSchema.safeParse({ tokens: [{ ...tokensBody.tokens[0], kind: "root" }] }))).toMatch(/^tokens\.0\.kind: /);
    expect(errorOf(tokensResponseSchema.safeParse({ tokens: [{ ...tokensBody.tokens[1], revokedAt: "yesterday" }] }))).toMatch(/^tokens\.0\.revokedAt: /);
    expect(errorOf(tokensResponseSchema.safeParse({ tokens: null }))).toMatch(/^tokens: /);
  });
});
