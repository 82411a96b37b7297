// Sign-in throttling as an attacker on the operator network meets it: parallel guesses, guesses from
// many places against one user, a flood of hashes, and a real admin who must still get in.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditResponseSchema } from "@lvsdeck/protocol";
import { USERS, api, startHub } from "./harness";

/** POST /api/session from a chosen loopback address (Linux answers on all of 127.0.0.0/8). */
function signInFrom(url: string, from: string, name: string, password: string): Promise<number> {
  const { hostname, port } = new URL(url);
  const body = JSON.stringify({ name, password });
  return new Promise((resolve, reject) => {
    const req = request(
      { host: hostname, port, path: "/api/session", method: "POST", localAddress: from, agent: false, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe("sign-in throttling", () => {
  let hub: Awaited<ReturnType<typeof startHub>>;
  const admin = USERS.admin;

  beforeAll(async () => {
    hub = await startHub();
    // ada signs in from 127.0.0.1 (startHub did): that is her known place.
  }, 30_000);
  afterAll(() => hub.close());

  it("counts parallel guesses before hashing: of 25 at once from one address, at most 5 are checked", async () => {
    const guesses = Array.from({ length: 25 }, (_, i) => signInFrom(hub.url, "127.0.0.2", admin.name, `wrong-guess-${i}`));
    const right = signInFrom(hub.url, "127.0.0.2", admin.name, admin.password);
    const statuses = await Promise.all([...guesses, right]);
    expect(count(statuses, 401) + count(statuses, 200)).toBeLessThanOrEqual(5);
    expect(count(statuses, 429)).toBeGreaterThanOrEqual(21);
  });

  it("guesses from many places slow that user's sign-ins from new places, never from a known one", async () => {
    const places = ["127.0.0.3", "127.0.0.4", "127.0.0.5"];
    const statuses: number[] = [];
    for (const place of places) for (let i = 0; i < 4; i++) statuses.push(await signInFrom(hub.url, place, admin.name, `guess-${place}-${i}`));
    // With the tries of the test above, ada reaches 10 failures from new places within these 12: the rest wait.
    expect(statuses.at(-1)).toBe(429);
    // A new place with the right password waits too...
    expect(await signInFrom(hub.url, "127.0.0.6", admin.name, admin.password)).toBe(429);
    // ...but ada at her own desk gets in.
    expect(await signInFrom(hub.url, "127.0.0.1", admin.name, admin.password)).toBe(200);
  });

  it("a successful sign-in does not wipe its address's failures", async () => {
    const from = "127.0.0.7";
    for (let i = 0; i < 4; i++) expect(await signInFrom(hub.url, from, "nobody", `x-${i}`)).toBe(401);
    expect(await signInFrom(hub.url, from, USERS.viewer.name, USERS.viewer.password)).toBe(200);
    expect(await signInFrom(hub.url, from, "nobody", "x-4")).toBe(401);
    expect(await signInFrom(hub.url, from, "nobody", "x-5")).toBe(429);
  });

  it("bounds concurrent hashing: a flood gets 503s, a real sign-in from a known place still passes, every refusal is audited", async () => {
    const auditedBefore = await failuresAudited();
    const flood = Array.from({ length: 40 }, (_, i) => signInFrom(hub.url, `127.0.1.${1 + (i % 8)}`, `stranger${i}`, "not-a-password"));
    const real = signInFrom(hub.url, "127.0.0.1", admin.name, admin.password);
    const statuses = await Promise.all(flood);
    expect(await real).toBe(200);
    expect(count(statuses, 503)).toBeGreaterThan(0);
    expect(count(statuses, 401) + count(statuses, 503)).toBe(40);
    expect((await failuresAudited()) - auditedBefore).toBe(40);
  });

  async function failuresAudited(): Promise<number> {
    const { records } = auditResponseSchema.parse(await (await api(`${hub.url}/api/audit?limit=1000`)).json());
    return records.filter((r) => r.action === "login-failed").length;
  }
});
