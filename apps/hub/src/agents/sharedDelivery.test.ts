// Two hubs' deliveries on one held-change store, as clustered hubs share PostgreSQL: a change held on
// one is delivered once, by the hub holding the director when it returns, even if both see it return.
import { describe, expect, it, vi } from "vitest";
import { PROTOCOL_VERSION, type AgentCommand, type DirectorId, type RealServerKey, type ServiceKey } from "@lvsdeck/protocol";
import { sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import { createFleet, type Fleet } from "../fleet";
import { openDatabase } from "../store/database";
import { createHeldChangeStore, type HeldChangeStore } from "../store/heldWeightChanges";
import type { CommandRouter } from "./commandRouter";
import { createWeightDelivery } from "./weightDelivery";

const SERVICE = "TCP 192.0.2.10:443" as ServiceKey;
const RS = "192.0.2.11:443" as RealServerKey;
const dirA = "dir-a" as DirectorId;
const dirB = "dir-b" as DirectorId;

/** Director `id` connected to `fleet` with RS at `weight`. */
function arrive(fleet: Fleet, id: DirectorId, weight: number, now: number) {
  fleet.connect({ type: "hello", protocolVersion: PROTOCOL_VERSION, director: id, agentVersion: "test", sources: ["test"], capabilities: ["set-weight"], weightMode: "runtime", tickMs: 1000 }, now);
  const snapshot = sampleSnapshot(id, now);
  for (const rs of snapshot.services[0]?.realServers ?? []) if (rs.key === RS) rs.weight = weight;
  fleet.applySnapshot(snapshot, now);
}

/** One hub: its own fleet and command log, delivering from `store`; every command succeeds. */
async function hubOn(store: HeldChangeStore, holds: (director: DirectorId) => boolean) {
  const fleet = createFleet();
  const sent: [DirectorId, AgentCommand][] = [];
  const commands = {
    timeoutMs: 1_000,
    dispatch: async (director: DirectorId, command: AgentCommand) => {
      sent.push([director, command]);
      return { ok: true, observedWeight: command.kind === "set-weight" ? command.weight : null, error: null };
    },
  } as Partial<CommandRouter> as CommandRouter;
  const delivery = await createWeightDelivery({ fleet, commands, store, holds, onWeightChange: () => undefined, now: () => 1_000 });
  fleet.onChange((view, change) => delivery.noteDirector(view, change));
  return { fleet, sent, delivery };
}

describe("deliveries of clustered hubs on one store", () => {
  it("delivers a change held on one hub once, though both hubs see the director return", async () => {
    const db = openDatabase(":memory:");
    const store = createHeldChangeStore(db);
    // The worst case: both hubs believe they hold dir-b (its agent flapped between them).
    const maker = await hubOn(store, () => true);
    const other = await hubOn(store, () => true);
    for (const hub of [maker, other]) arrive(hub.fleet, dirA, 2, 1);
    arrive(maker.fleet, dirB, 2, 1);
    maker.fleet.disconnect(dirB, 2);
    const change = await maker.delivery.setWeight({ service: SERVICE, realServer: RS, weight: 6 });
    expect(change.results.map((r) => [r.director, r.state])).toEqual([[dirA, "ok"], [dirB, "disconnected"]]);
    await vi.waitFor(async () => expect((await store.load()).held).toHaveLength(1));

    for (const hub of [maker, other]) arrive(hub.fleet, dirB, 2, 3);
    const toB = () => [...maker.sent, ...other.sent].filter(([director]) => director === dirB);
    await vi.waitFor(async () => expect((await store.load()).held).toHaveLength(0));
    await vi.waitFor(() => expect(toB()).toHaveLength(1));
    expect(toB()[0]?.[1]).toEqual({ kind: "set-weight", service: SERVICE, realServer: RS, weight: 6 });
    db.close();
  });

  it("leaves a held change to the hub holding the director: a hub that only hears of it does nothing", async () => {
    const db = openDatabase(":memory:");
    const store = createHeldChangeStore(db);
    // Which hub asks the store for what is owed to which director on its return (a new change also
    // asks, for the one real server, to replace what it supersedes).
    const asked: string[] = [];
    const askingAs = (hub: string): HeldChangeStore => ({
      ...store,
      take: (match) => {
        if ("director" in match && match.service === undefined) asked.push(`${hub} ${match.director}`);
        return store.take(match);
      },
    });
    const maker = await hubOn(askingAs("maker"), (director) => director === dirA);
    const holder = await hubOn(askingAs("holder"), (director) => director === dirB);
    arrive(maker.fleet, dirA, 2, 1);
    arrive(maker.fleet, dirB, 2, 1);
    maker.fleet.disconnect(dirB, 2);
    await maker.delivery.setWeight({ service: SERVICE, realServer: RS, weight: 6 });
    await vi.waitFor(async () => expect((await store.load()).held).toHaveLength(1));

    // The maker hears of dir-b's return (over the bus) before the holder has its snapshot.
    arrive(maker.fleet, dirB, 2, 3);
    arrive(holder.fleet, dirB, 2, 3);
    await vi.waitFor(() => expect(holder.sent.filter(([director]) => director === dirB)).toHaveLength(1));
    expect(maker.sent.filter(([director]) => director === dirB)).toEqual([]);
    expect(asked.filter((a) => a.endsWith(dirB))).toEqual(["holder dir-b"]);
    db.close();
  });
});
