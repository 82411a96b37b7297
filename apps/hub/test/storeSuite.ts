// The behaviour every database behind the hub's stores must have, written against the interfaces only:
// stores.test.ts runs it on SQLite (one hub) and on PostgreSQL (clustered hubs), so both stay alike.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AuditRecord, DirectorId, HubEvent, TransitionCause, VrrpState, VrrpTransitionEvent } from "@lvsdeck/protocol";
import { MAX_AUDIT_PAGE, type AuditLog } from "../src/auth/auditLog";
import { SESSION_IDLE_MS, type AuthStore } from "../src/auth/authStore";
import { TRANSITION_MATCH_MS, type EventStore } from "../src/store/eventStore";
import type { HeldChangeStore } from "../src/store/heldWeightChanges";
import type { IncidentStore } from "../src/store/incidentStore";
import type { WeightRecords } from "../src/store/weightRecords";
import { heldChangeStoreTests, incidentStoreTests, weightRecordsTests } from "./operatorRecordsSuite";
import type { SeriesRetention, SeriesStore } from "../src/store/seriesStore";
import type { SnapshotHistory } from "../src/store/snapshotHistory";
import { seriesStoreTests, snapshotHistoryTests } from "./seriesSuite";

/** The stores on one freshly migrated, empty database. */
export interface Stores {
  events: EventStore;
  auth: AuthStore;
  audit: AuditLog;
  incidents: IncidentStore;
  weights: WeightRecords;
  held: HeldChangeStore;
  /** A series store on the database (another on each call, as each hub has its own), default retention unless given. */
  series(retention?: SeriesRetention): SeriesStore;
  history: SnapshotHistory;
  /** Lets go of the database (the next test opens another). */
  close(): Promise<void>;
}

/** A clock the tests move by hand; give `now` to the auth store. */
export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

/** A TestClock starting at `start` (epoch ms); it moves only when told. */
export function createTestClock(start = Date.UTC(2026, 10, 26, 3, 12, 0)): TestClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/**
 * Registers the store suite as `describe` blocks named after `name`. `open` gives each test its own empty
 * stores, whose auth store reads `clock`.
 */
export function describeStores(name: string, open: () => Promise<Stores>, clock: TestClock): void {
  describe(`${name} stores`, () => {
    let stores: Stores | undefined;
    beforeEach(async () => {
      stores = await open();
    });
    afterEach(async () => {
      await stores?.close();
      stores = undefined;
    });
    const current = (): Stores => {
      if (!stores) throw new Error("stores are open only inside a test");
      return stores;
    };
    describe("event store", () => eventStoreTests(() => current().events));
    describe("auth store", () => authStoreTests(() => current().auth, clock));
    describe("audit log", () => auditLogTests(() => current().audit));
    describe("incident store", () => incidentStoreTests(() => current().incidents));
    describe("weight records", () => weightRecordsTests(() => current().weights));
    describe("held weight changes", () => heldChangeStoreTests(() => current().held));
    describe("series store", () => seriesStoreTests((retention) => current().series(retention)));
    describe("snapshot history", () => snapshotHistoryTests(() => current().history));
  });
}

// ---- event store -------------------------------------------------------------------------------

const dir1 = "lvs-dir-01" as DirectorId;
const dir2 = "lvs-dir-02" as DirectorId;
const hub = "hub" as DirectorId;
const T = Date.UTC(2026, 10, 26, 3, 12, 0);

/** A transition as an agent reports it from keepalived's FIFO: `at` is when the line arrived. */
function transition(director: DirectorId, seq: number, at: number, instance = "VI_1", to: VrrpState = "MASTER"): Omit<HubEvent, "id"> {
  return { director, seq, observedAt: at, receivedAt: at + 3, event: { kind: "vrrp-transition", instance, vrid: 51, from: "BACKUP", to, priority: 100, at } };
}

function keepalivedStarted(director: DirectorId, seq: number, at: number): Omit<HubEvent, "id"> {
  return { director, seq, observedAt: at, receivedAt: at + 3, event: { kind: "keepalived", running: true, detail: "started", at } };
}

function hubStarted(at: number): Omit<HubEvent, "id" | "seq" | "observedAt"> {
  return { director: hub, receivedAt: at, event: { kind: "hub", state: "started", downFrom: null, clean: true, detail: "", at } };
}

const cause: TransitionCause = { kind: "no-adverts", text: "lvs-dir-02's adverts stopped", evidence: ["advert_rcvd 120 → 120"] };
const otherCause: TransitionCause = { kind: "preemption", text: "a higher priority took over", evidence: [] };

/** What a stored transition says, or fails the test if it is not one. */
function transitionOf(event: HubEvent | null): VrrpTransitionEvent {
  if (event?.event.kind !== "vrrp-transition") throw new Error(`not a stored transition: ${JSON.stringify(event)}`);
  return event.event;
}

function eventStoreTests(store: () => EventStore): void {
  /** Appends an agent event the test expects to be new. */
  const stored = async (input: Omit<HubEvent, "id">): Promise<HubEvent> => {
    const event = await store().appendAgentEvent(input);
    if (event === null) throw new Error(`not stored: ${JSON.stringify(input)}`);
    return event;
  };
  const ids = (events: HubEvent[]) => events.map((e) => e.id);

  it("stores an agent event as given, with an id, and reads it back by that id", async () => {
    const input = transition(dir1, 0, T);
    const event = await stored(input);
    expect(event).toEqual({ id: expect.any(Number), ...input });
    expect(Number.isSafeInteger(event.id)).toBe(true);
    expect(await store().get(event.id)).toEqual(event);
  });

  it("refuses a (director, seq) it already has, as null, keeping the first; another director's same seq is stored", async () => {
    const first = await stored(transition(dir1, 7, T));
    expect(await store().appendAgentEvent(keepalivedStarted(dir1, 7, T + 50))).toBeNull();
    expect(await store().get(first.id)).toEqual(first);
    const other = await stored(transition(dir2, 7, T));
    expect(other.id).not.toBe(first.id);
    expect(await store().query({ limit: 10 })).toEqual([first, other]);
  });

  it("keys agent events on (director, epoch, seq): another run's same seq is its own event, the same run's is a resend", async () => {
    const run1 = { ...transition(dir1, 4, T), epoch: "run-1" };
    const run2 = { ...keepalivedStarted(dir1, 4, T + 10), epoch: "run-2" };
    const first = await stored(run1);
    expect(first).toEqual({ id: expect.any(Number), ...run1 });
    const second = await stored(run2);
    expect(await store().get(second.id)).toEqual({ id: second.id, ...run2 });
    // A resend of run 1's event, and an event of an agent that sends no epoch: the first is refused.
    expect(await store().appendAgentEvent({ ...keepalivedStarted(dir1, 4, T + 20), epoch: "run-1" })).toBeNull();
    const unnamed = await stored(keepalivedStarted(dir1, 4, T + 30));
    expect(await store().appendAgentEvent(transition(dir1, 4, T + 40))).toBeNull();
    expect(await store().query({ director: dir1, limit: 10 })).toEqual([first, second, unnamed]);
    expect(await store().lastSeq(dir1)).toBe(4);
  });

  it("stores the same agent event once when it arrives twice at the same moment", async () => {
    const results = await Promise.all([store().appendAgentEvent(transition(dir1, 1, T)), store().appendAgentEvent(transition(dir1, 1, T))]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await store().query({ director: dir1, limit: 10 })).toHaveLength(1);
  });

  it("stores every hub event, which has no seq and no agent time", async () => {
    const a = await store().appendHubEvent(hubStarted(T));
    const b = await store().appendHubEvent(hubStarted(T));
    expect(a).toEqual({ id: expect.any(Number), ...hubStarted(T), seq: null, observedAt: null });
    expect(b.id).not.toBe(a.id);
    expect(await store().get(a.id)).toEqual(a);
    expect(await store().get(b.id)).toEqual(b);
  });

  it("gives the highest seq stored per director as lastSeq, -1 when there is none", async () => {
    expect(await store().lastSeq(dir1)).toBe(-1);
    await stored(transition(dir1, 5, T));
    await stored(transition(dir1, 3, T + 1));
    await stored(transition(dir2, 9, T + 2));
    await store().appendHubEvent(hubStarted(T + 3));
    expect(await store().lastSeq(dir1)).toBe(5);
    expect(await store().lastSeq(dir2)).toBe(9);
    expect(await store().lastSeq(hub)).toBe(-1);
    expect(await store().lastSeq("lvs-dir-09" as DirectorId)).toBe(-1);
  });

  it("answers null for an id it never gave", async () => {
    const event = await stored(transition(dir1, 0, T));
    expect(await store().get(event.id + 1000)).toBeNull();
    expect(await store().get(-1)).toBeNull();
  });

  it("filters the log by time (both ends included), director and kind", async () => {
    const a = await stored(transition(dir1, 0, T));
    const b = await stored(keepalivedStarted(dir1, 1, T + 10));
    const c = await stored(transition(dir2, 0, T + 20));
    const h = await store().appendHubEvent(hubStarted(T + 30));
    const q = store().query;
    expect(ids(await q({ limit: 10 }))).toEqual(ids([a, b, c, h]));
    expect(ids(await q({ from: T + 10, limit: 10 }))).toEqual(ids([b, c, h]));
    expect(ids(await q({ to: T + 20, limit: 10 }))).toEqual(ids([a, b, c]));
    expect(ids(await q({ from: T + 10, to: T + 20, limit: 10 }))).toEqual(ids([b, c]));
    expect(ids(await q({ from: T + 11, to: T + 19, limit: 10 }))).toEqual([]);
    expect(ids(await q({ director: dir1, limit: 10 }))).toEqual(ids([a, b]));
    expect(ids(await q({ kind: "vrrp-transition", limit: 10 }))).toEqual(ids([a, c]));
    expect(ids(await q({ director: dir1, kind: "vrrp-transition", from: T, to: T, limit: 10 }))).toEqual(ids([a]));
    expect(ids(await q({ kind: "hub", limit: 10 }))).toEqual(ids([h]));
    expect(await q({ limit: 10 })).toEqual([a, b, c, h]);
  });

  it("returns the newest `limit` events by their time, oldest stored first", async () => {
    // Stored out of time order: an agent's events can arrive late.
    const late = await stored(transition(dir1, 0, T + 300));
    const early = await stored(transition(dir1, 1, T + 100));
    const middle = await stored(transition(dir1, 2, T + 200));
    expect(ids(await store().query({ limit: 10 }))).toEqual(ids([late, early, middle]));
    expect(ids(await store().query({ limit: 2 }))).toEqual(ids([late, middle]));
    expect(ids(await store().query({ limit: 1 }))).toEqual(ids([late]));
    expect(await store().query({ limit: 0 })).toEqual([]);
  });

  it("counts, of events at the same time, the one stored last as the newest", async () => {
    await stored(transition(dir1, 0, T));
    const second = await stored(transition(dir1, 1, T));
    expect(ids(await store().query({ limit: 1 }))).toEqual(ids([second]));
  });

  describe("annotateTransition", () => {
    it("gives keepalived's time to the transition seen within the window after it, and stores it", async () => {
      const seen = await stored(transition(dir1, 0, T));
      const keepalivedAt = T - 400;
      const annotated = await store().annotateTransition(dir1, "VI_1", "MASTER", keepalivedAt);
      expect(annotated).toEqual({ ...seen, event: { ...seen.event, keepalivedAt } });
      expect(await store().get(seen.id)).toEqual(annotated);
    });

    it("matches from 1 s before keepalived's time to TRANSITION_MATCH_MS after it, both ends included", async () => {
      const k = T;
      const earliest = await stored(transition(dir1, 0, k - 1_000, "VI_1"));
      const latest = await stored(transition(dir1, 1, k + TRANSITION_MATCH_MS, "VI_2"));
      expect(transitionOf(await store().annotateTransition(dir1, "VI_1", "MASTER", k)).keepalivedAt).toBe(k);
      expect(transitionOf(await store().annotateTransition(dir1, "VI_2", "MASTER", k)).keepalivedAt).toBe(k);
      expect(transitionOf(await store().get(earliest.id)).keepalivedAt).toBe(k);
      expect(transitionOf(await store().get(latest.id)).keepalivedAt).toBe(k);
    });

    it("leaves a transition seen outside the window alone", async () => {
      const k = T;
      const before = await stored(transition(dir1, 0, k - 1_001, "VI_1"));
      const after = await stored(transition(dir1, 1, k + TRANSITION_MATCH_MS + 1, "VI_2"));
      expect(await store().annotateTransition(dir1, "VI_1", "MASTER", k)).toBeNull();
      expect(await store().annotateTransition(dir1, "VI_2", "MASTER", k)).toBeNull();
      expect(await store().get(before.id)).toEqual(before);
      expect(await store().get(after.id)).toEqual(after);
    });

    it("matches only that director's transitions of that instance into that state", async () => {
      const seen = await stored(transition(dir1, 0, T, "VI_1", "MASTER"));
      await stored(keepalivedStarted(dir1, 1, T));
      expect(await store().annotateTransition(dir2, "VI_1", "MASTER", T)).toBeNull();
      expect(await store().annotateTransition(dir1, "VI_2", "MASTER", T)).toBeNull();
      expect(await store().annotateTransition(dir1, "VI_1", "BACKUP", T)).toBeNull();
      expect(await store().get(seen.id)).toEqual(seen);
      expect(await store().annotateTransition(dir1, "VI_1", "MASTER", T)).not.toBeNull();
    });

    it("annotates only the latest such transition, and only once: an older one never gets its time", async () => {
      const older = await stored(transition(dir1, 0, T));
      const newer = await stored(transition(dir1, 1, T + 2_000));
      expect((await store().annotateTransition(dir1, "VI_1", "MASTER", T))?.id).toBe(newer.id);
      expect(await store().annotateTransition(dir1, "VI_1", "MASTER", T)).toBeNull();
      expect(await store().annotateTransition(dir1, "VI_1", "MASTER", T + 1_000)).toBeNull();
      expect(await store().get(older.id)).toEqual(older);
    });

    it("stores the cause `explain` reads from the transition as stored", async () => {
      const seen = await stored(transition(dir1, 0, T));
      const asked: VrrpTransitionEvent[] = [];
      const annotated = await store().annotateTransition(dir1, "VI_1", "MASTER", T - 10, (event) => {
        asked.push(event);
        return cause;
      });
      expect(asked).toEqual([seen.event]);
      expect(annotated).toEqual({ ...seen, event: { ...seen.event, keepalivedAt: T - 10, cause } });
      expect(await store().get(seen.id)).toEqual(annotated);
    });

    it("stores no cause when `explain` finds none or is not given, keeping one set before", async () => {
      const a = await stored(transition(dir1, 0, T, "VI_1"));
      const b = await stored(transition(dir1, 1, T, "VI_2"));
      const c = await stored(transition(dir1, 2, T, "VI_3"));
      expect(transitionOf(await store().annotateTransition(dir1, "VI_1", "MASTER", T, () => null))).not.toHaveProperty("cause");
      expect(transitionOf(await store().annotateTransition(dir1, "VI_2", "MASTER", T))).not.toHaveProperty("cause");
      await store().setCause(c.id, cause);
      expect(transitionOf(await store().annotateTransition(dir1, "VI_3", "MASTER", T, () => null)).cause).toEqual(cause);
      expect(transitionOf(await store().get(a.id))).not.toHaveProperty("cause");
      expect(transitionOf(await store().get(b.id))).not.toHaveProperty("cause");
    });

    it("does not ask `explain` when nothing matches", async () => {
      let asked = 0;
      const result = await store().annotateTransition(dir1, "VI_1", "MASTER", T, () => {
        asked++;
        return cause;
      });
      expect(result).toBeNull();
      expect(asked).toBe(0);
    });
  });

  describe("setCause", () => {
    it("sets, and replaces, the cause of a stored transition", async () => {
      const seen = await stored(transition(dir1, 0, T));
      const first = await store().setCause(seen.id, cause);
      expect(first).toEqual({ ...seen, event: { ...seen.event, cause } });
      const second = await store().setCause(seen.id, otherCause);
      expect(second).toEqual({ ...seen, event: { ...seen.event, cause: otherCause } });
      expect(await store().get(seen.id)).toEqual(second);
    });

    it("gives a cause only to a transition, and answers null otherwise", async () => {
      const started = await stored(keepalivedStarted(dir1, 0, T));
      const hubEvent = await store().appendHubEvent(hubStarted(T));
      expect(await store().setCause(started.id, cause)).toBeNull();
      expect(await store().setCause(hubEvent.id, cause)).toBeNull();
      expect(await store().setCause(hubEvent.id + 1000, cause)).toBeNull();
      expect(await store().get(started.id)).toEqual(started);
      expect(await store().get(hubEvent.id)).toEqual(hubEvent);
    });
  });
}

// ---- auth store --------------------------------------------------------------------------------

const PASSWORD = "correct horse battery";
const NEW_PASSWORD = "another long passphrase";

function authStoreTests(store: () => AuthStore, clock: TestClock): void {
  /** Counts the calls of a listener registered on the store. */
  const listen = () => {
    const heard = { calls: 0 };
    const stop = store().onAccessChange(() => heard.calls++);
    return Object.assign(heard, { stop });
  };

  describe("users", () => {
    it("adds users and reads them back; users() lists them by name", async () => {
      const createdAt = clock.now();
      const carol = await store().addUser("carol", "operator", PASSWORD, ["192.0.2.10", "192.0.2.11"]);
      expect(carol).toStrictEqual({ name: "carol", role: "operator", vips: ["192.0.2.10", "192.0.2.11"], createdAt, disabled: false });
      clock.advance(1);
      const alice = await store().addUser("alice", "admin", PASSWORD, null);
      expect(alice).toStrictEqual({ name: "alice", role: "admin", vips: null, createdAt: createdAt + 1, disabled: false });
      const bob = await store().addUser("bob", "viewer", PASSWORD, []);
      expect(bob.vips).toEqual([]);
      expect(await store().user("carol")).toStrictEqual(carol);
      expect(await store().user("nobody")).toBeNull();
      expect(await store().users()).toStrictEqual([alice, bob, carol]);
    });

    it("refuses a name it already has", async () => {
      await store().addUser("alice", "admin", PASSWORD, null);
      await expect(store().addUser("alice", "viewer", PASSWORD, null)).rejects.toThrow();
      expect((await store().user("alice"))?.role).toBe("admin");
    });

    it("changes role and scope, re-scoping open sessions, and tells listeners", async () => {
      await store().addUser("alice", "viewer", PASSWORD, null);
      const session = await store().openSession("alice");
      const heard = listen();
      const changed = await store().updateUser("alice", { role: "operator", vips: ["192.0.2.10"] });
      expect(changed).toMatchObject({ name: "alice", role: "operator", vips: ["192.0.2.10"], disabled: false });
      expect(heard.calls).toBe(1);
      expect(await store().sessionUser(session)).toStrictEqual(changed);
      const everyVip = await store().updateUser("alice", { vips: null });
      expect(everyVip).toMatchObject({ role: "operator", vips: null });
      expect(await store().user("alice")).toStrictEqual(everyVip);
      expect(await store().checkPassword("alice", PASSWORD)).toStrictEqual(everyVip);
    });

    it("ends every session of a user it disables, and lets none in until enabled again", async () => {
      await store().addUser("alice", "operator", PASSWORD, null);
      const sessions = [await store().openSession("alice"), await store().openSession("alice")];
      const heard = listen();
      expect((await store().updateUser("alice", { disabled: true }))?.disabled).toBe(true);
      expect(heard.calls).toBe(1);
      for (const s of sessions) expect(await store().sessionUser(s)).toBeNull();
      expect(await store().checkPassword("alice", PASSWORD)).toBeNull();
      expect((await store().updateUser("alice", { disabled: false }))?.disabled).toBe(false);
      for (const s of sessions) expect(await store().sessionUser(s)).toBeNull();
      expect((await store().checkPassword("alice", PASSWORD))?.name).toBe("alice");
    });

    it("ends every session on a new password, after which only the new one works", async () => {
      await store().addUser("alice", "operator", PASSWORD, null);
      const session = await store().openSession("alice");
      await store().updateUser("alice", { password: NEW_PASSWORD });
      expect(await store().sessionUser(session)).toBeNull();
      expect(await store().checkPassword("alice", PASSWORD)).toBeNull();
      expect((await store().checkPassword("alice", NEW_PASSWORD))?.name).toBe("alice");
    });

    it("answers null to a change of a user it does not have, telling no one", async () => {
      const heard = listen();
      expect(await store().updateUser("nobody", { role: "admin" })).toBeNull();
      expect(heard.calls).toBe(0);
      expect(await store().user("nobody")).toBeNull();
    });

    it("checks passwords: right, wrong, unknown user, disabled user", async () => {
      const alice = await store().addUser("alice", "operator", PASSWORD, null);
      expect(await store().checkPassword("alice", PASSWORD)).toStrictEqual(alice);
      expect(await store().checkPassword("alice", NEW_PASSWORD)).toBeNull();
      expect(await store().checkPassword("nobody", PASSWORD)).toBeNull();
      await store().updateUser("alice", { disabled: true });
      expect(await store().checkPassword("alice", PASSWORD)).toBeNull();
    });
  });

  describe("sessions", () => {
    it("opens a session whose secret names its user until it is closed", async () => {
      const alice = await store().addUser("alice", "operator", PASSWORD, null);
      const secret = await store().openSession("alice");
      const other = await store().openSession("alice");
      expect(secret).not.toBe(other);
      expect(await store().sessionUser(secret)).toStrictEqual(alice);
      const heard = listen();
      await store().closeSession(secret);
      expect(heard.calls).toBe(1);
      expect(await store().sessionUser(secret)).toBeNull();
      expect(await store().sessionUser(other)).toStrictEqual(alice);
      expect(await store().sessionUser("s_not-a-session")).toBeNull();
    });

    it("ends a session left unused for SESSION_IDLE_MS; each use extends it", async () => {
      await store().addUser("alice", "operator", PASSWORD, null);
      const secret = await store().openSession("alice");
      clock.advance(SESSION_IDLE_MS - 1);
      expect(await store().sessionUser(secret)).not.toBeNull();
      clock.advance(SESSION_IDLE_MS - 1);
      expect(await store().sessionUser(secret)).not.toBeNull();
      clock.advance(SESSION_IDLE_MS);
      expect(await store().sessionUser(secret)).toBeNull();
    });

    it("opens no session for a user it does not have", async () => {
      await expect(store().openSession("nobody")).rejects.toThrow();
    });
  });

  describe("single sign-on", () => {
    it("records a new user with the role and VIPs their groups give; no password lets them in", async () => {
      const heard = listen();
      const user = await store().ssoSignIn("dana", "subject-1", "operator", ["192.0.2.10"]);
      expect(user).toStrictEqual({ name: "dana", role: "operator", vips: ["192.0.2.10"], createdAt: clock.now(), disabled: false, source: "oidc" });
      expect(heard.calls).toBe(0);
      expect(await store().user("dana")).toStrictEqual(user);
      expect(await store().checkPassword("dana", "!sso")).toBeNull();
      expect(await store().checkPassword("dana", PASSWORD)).toBeNull();
    });

    it("re-scopes a returning user and their sessions when their groups changed, telling listeners only then", async () => {
      await store().ssoSignIn("dana", "subject-1", "operator", ["192.0.2.10"]);
      const session = await store().openSession("dana");
      const heard = listen();
      expect(await store().ssoSignIn("dana", "subject-1", "operator", ["192.0.2.10"])).toMatchObject({ role: "operator", vips: ["192.0.2.10"] });
      expect(heard.calls).toBe(0);
      const rescoped = await store().ssoSignIn("dana", "subject-1", "admin", null);
      expect(rescoped).toMatchObject({ name: "dana", role: "admin", vips: null, source: "oidc" });
      expect(heard.calls).toBe(1);
      expect(await store().sessionUser(session)).toStrictEqual(rescoped);
      await store().ssoSignIn("dana", "subject-1", "admin", ["192.0.2.10", "192.0.2.11"]);
      expect(heard.calls).toBe(2);
    });

    it("refuses a local user's name, another subject under a known name, and a disabled user", async () => {
      await store().addUser("alice", "admin", PASSWORD, null);
      expect(await store().ssoSignIn("alice", "subject-1", "admin", null)).toBe("local-name");
      expect((await store().user("alice"))?.source).toBeUndefined();
      await store().ssoSignIn("dana", "subject-1", "viewer", null);
      expect(await store().ssoSignIn("dana", "subject-2", "admin", null)).toBe("other-subject");
      await store().updateUser("dana", { disabled: true });
      expect(await store().ssoSignIn("dana", "subject-1", "viewer", null)).toBe("disabled");
      expect(await store().user("dana")).toMatchObject({ role: "viewer", disabled: true });
    });

    it("ends every session of a user whose groups no longer give a role; a local user's stay", async () => {
      await store().ssoSignIn("dana", "subject-1", "viewer", null);
      await store().addUser("alice", "admin", PASSWORD, null);
      const dana = await store().openSession("dana");
      const alice = await store().openSession("alice");
      const heard = listen();
      await store().ssoRefused("dana");
      expect(heard.calls).toBe(1);
      expect(await store().sessionUser(dana)).toBeNull();
      await store().ssoRefused("alice");
      await store().ssoRefused("nobody");
      expect(heard.calls).toBe(1);
      expect(await store().sessionUser(alice)).not.toBeNull();
    });
  });

  describe("tokens", () => {
    it("adds tokens, showing the secret once, and lists them by creation", async () => {
      const agent = await store().addToken("agent", "lvs-dir-01 agent", dir1, null);
      expect(agent).toStrictEqual({ id: expect.any(String), kind: "agent", name: "lvs-dir-01 agent", director: dir1, vips: null, createdAt: clock.now(), revokedAt: null, secret: expect.stringMatching(/^agt_/) });
      clock.advance(1);
      const wall = await store().addToken("wall", "NOC wall", null, ["192.0.2.10"]);
      expect(wall).toMatchObject({ kind: "wall", director: null, vips: ["192.0.2.10"], createdAt: clock.now(), secret: expect.stringMatching(/^wall_/) });
      const { secret: _a, ...agentToken } = agent;
      const { secret: _w, ...wallToken } = wall;
      expect(await store().tokens()).toStrictEqual([agentToken, wallToken]);
    });

    it("finds a live token by its secret only", async () => {
      const { secret, ...token } = await store().addToken("wall", "NOC wall", null, null);
      expect(await store().tokenBySecret(secret)).toStrictEqual(token);
      expect(await store().tokenBySecret(`${secret}x`)).toBeNull();
      expect(await store().tokenBySecret("wall_unknown")).toBeNull();
    });

    it("revokes a token once: it is no longer found, and revoking again keeps the first time", async () => {
      const { secret, ...token } = await store().addToken("agent", "lvs-dir-01 agent", dir1, null);
      const keep = await store().addToken("agent", "lvs-dir-02 agent", dir2, null);
      clock.advance(1_000);
      const heard = listen();
      const revokedAt = clock.now();
      const revoked = await store().revokeToken(token.id);
      expect(revoked).toStrictEqual({ ...token, revokedAt });
      expect(heard.calls).toBe(1);
      expect(await store().tokenBySecret(secret)).toBeNull();
      expect(await store().tokenBySecret(keep.secret)).not.toBeNull();
      clock.advance(1_000);
      expect(await store().revokeToken(token.id)).toStrictEqual(revoked);
      expect((await store().tokens()).find((t) => t.id === token.id)).toStrictEqual(revoked);
      expect(await store().revokeToken("not-a-token-id")).toBeNull();
    });
  });

  describe("access changes", () => {
    it("calls listeners when asked to, until they unsubscribe", async () => {
      const first = listen();
      const second = listen();
      store().accessMayHaveChanged();
      expect([first.calls, second.calls]).toEqual([1, 1]);
      first.stop();
      store().accessMayHaveChanged();
      expect([first.calls, second.calls]).toEqual([1, 2]);
    });

    it("changes the fingerprint with every change that can grant or take away access, and only then", async () => {
      const fingerprints: string[] = [];
      /** Records the fingerprint after a step, which must differ from every one before. */
      const changes = async (step: string) => {
        const fingerprint = await store().accessFingerprint();
        expect(fingerprints, step).not.toContain(fingerprint);
        fingerprints.push(fingerprint);
      };
      await changes("empty");
      expect(await store().accessFingerprint()).toBe(fingerprints[0]);
      await store().addUser("alice", "operator", PASSWORD, null);
      await changes("user added");
      const session = await store().openSession("alice");
      await changes("session opened");
      expect(await store().accessFingerprint()).toBe(fingerprints.at(-1));
      await store().sessionUser(session);
      clock.advance(1);
      expect(await store().accessFingerprint()).toBe(fingerprints.at(-1));
      const token = await store().addToken("wall", "NOC wall", null, null);
      await changes("token added");
      await store().revokeToken(token.id);
      await changes("token revoked");
      await store().updateUser("alice", { role: "viewer" });
      await changes("role changed");
      await store().updateUser("alice", { vips: ["192.0.2.10"] });
      await changes("scope changed");
      await store().updateUser("alice", { password: NEW_PASSWORD });
      await changes("password changed (and its session ended)");
      await store().openSession("alice");
      await changes("another session opened");
      await store().updateUser("alice", { disabled: true });
      await changes("disabled");
    });
  });
}

// ---- audit log ---------------------------------------------------------------------------------

function record(at: number, change: Partial<Omit<AuditRecord, "id">> = {}): Omit<AuditRecord, "id"> {
  return {
    at,
    actor: "alice",
    action: "weight",
    remote: "198.51.100.7",
    directors: ["lvs-dir-01", "lvs-dir-02"],
    service: "TCP 192.0.2.10:443",
    realServer: "192.168.50.11:443",
    from: 100,
    to: 0,
    reason: "kernel update",
    result: "ok",
    detail: null,
    ...change,
  };
}

function auditLogTests(log: () => AuditLog): void {
  it("keeps records as given, and returns them newest first", async () => {
    const first = record(T);
    const second = record(T + 1, { actor: "bob", action: "login", directors: [], service: null, realServer: null, from: null, to: null, reason: null, result: "ok", detail: "password", remote: null });
    await log().append(first);
    await log().append(second);
    const records = await log().query({ limit: 10 });
    expect(records).toEqual([
      { id: expect.any(Number), ...second },
      { id: expect.any(Number), ...first },
    ]);
    expect(records[0]!.id).toBeGreaterThan(records[1]!.id);
  });

  it("filters by time (both ends included) and actor; `limit` keeps the newest", async () => {
    for (let i = 0; i < 6; i++) await log().append(record(T + i * 10, { actor: i % 2 === 0 ? "alice" : "bob" }));
    const times = async (q: Parameters<AuditLog["query"]>[0]) => (await log().query(q)).map((r) => r.at - T);
    expect(await times({ limit: 100 })).toEqual([50, 40, 30, 20, 10, 0]);
    expect(await times({ from: T + 10, to: T + 30, limit: 100 })).toEqual([30, 20, 10]);
    expect(await times({ actor: "alice", limit: 100 })).toEqual([40, 20, 0]);
    expect(await times({ actor: "bob", from: T + 20, limit: 100 })).toEqual([50, 30]);
    expect(await times({ limit: 2 })).toEqual([50, 40]);
    expect(await times({ actor: "carol", limit: 100 })).toEqual([]);
  });

  it(`never returns more than MAX_AUDIT_PAGE (${MAX_AUDIT_PAGE}) records at once`, async () => {
    for (let i = 0; i <= MAX_AUDIT_PAGE; i++) await log().append(record(T + i));
    const page = await log().query({ limit: MAX_AUDIT_PAGE * 2 });
    expect(page).toHaveLength(MAX_AUDIT_PAGE);
    expect(page[0]!.at).toBe(T + MAX_AUDIT_PAGE);
  });

  it("knows where a user has signed in from before", async () => {
    await log().append(record(T, { action: "login", remote: "198.51.100.7" }));
    await log().append(record(T, { action: "login-failed", remote: "203.0.113.9" }));
    await log().append(record(T, { action: "login", actor: "bob", remote: "192.0.2.200" }));
    expect(await log().knownPlace("alice", "198.51.100.7")).toBe(true);
    expect(await log().knownPlace("alice", "203.0.113.9")).toBe(false);
    expect(await log().knownPlace("alice", "192.0.2.200")).toBe(false);
    expect(await log().knownPlace("alice", null)).toBe(false);
    expect(await log().knownPlace("carol", "198.51.100.7")).toBe(false);
  });
}
