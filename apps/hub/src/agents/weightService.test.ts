import { describe, expect, it, vi } from "vitest";
import type { RealServerKey, WeightChange, WeightChangeRequest } from "@lvsdeck/protocol";
import { T0, seedCluster } from "@lvsdeck/cluster/fixtures";
import type { AuditLog } from "../auth/auditLog";
import type { Fleet } from "../fleet";
import { openDatabase } from "../store/database";
import { createWeightRecords } from "../store/weightRecords";
import type { WeightDelivery } from "./weightDelivery";
import { createWeightService } from "./weightService";

describe("weight service: a request id across hubs", () => {
  it("applies a request id once while two hubs get it at the same time: the second is told it is in progress, then gets the answer", async () => {
    const db = openDatabase(":memory:");
    // The record two hubs share; each hub has its own service (and its own in-flight map).
    const records = createWeightRecords(db);
    const directors = seedCluster();
    const service = directors[0]!.snapshot!.services[0]!;
    const realServer = service.realServers[0]!.key as RealServerKey;
    let applied = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Hub A's delivery waits on its agents for as long as the test says.
    const delivery = {
      async setWeight(request: WeightChangeRequest): Promise<WeightChange> {
        applied += 1;
        await gate;
        return { id: `change-${applied}`, service: request.service, realServer: request.realServer, weight: request.weight, requestedAt: T0, state: "applied", results: [{ director: directors[0]!.id, state: "ok", observedWeight: request.weight, error: null }] };
      },
    } as Partial<WeightDelivery> as WeightDelivery;
    const deps = {
      records,
      fleet: { list: () => directors } as Partial<Fleet> as Fleet,
      delivery,
      audit: { append: () => Promise.resolve() } as Partial<AuditLog> as AuditLog,
      now: () => T0,
    };
    const hubA = createWeightService(deps);
    const hubB = createWeightService(deps);
    const caller = { actor: "olive", remote: "198.51.100.7", mayAct: () => true };
    const request = { service: service.key, realServer, weight: 5, requestId: "retry-through-the-balancer" };

    const first = hubA.setWeight(request, caller);
    await vi.waitFor(() => expect(applied).toBe(1));
    // The client gave up waiting and sent it again; the balancer chose hub B.
    await expect(hubB.setWeight(request, caller)).rejects.toMatchObject({ status: 409, code: "request-in-progress" });
    release();
    const answer = await first;
    expect(await hubB.setWeight(request, caller)).toEqual(answer);
    expect(applied).toBe(1);
    db.close();
  });
});
