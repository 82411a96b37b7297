import type { ParseOutcome, SimFaultRequest, WeightChange, WeightChangeRequest } from "@lvsdeck/protocol";
import { weightChangeResponseSchema } from "@lvsdeck/protocol";
import { postJson } from "./http";

/** Asks the hub to change a real server's weight on every director carrying the service (or one). */
export function postWeightChange(request: WeightChangeRequest): Promise<WeightChange> {
  return postJson("/api/weights", request, weightChangeResponseSchema);
}

/** The answer to `POST /api/sim/faults`. */
export interface SimFaultResponse {
  ok: true;
  detail: string;
}

/** Narrows the sim-fault answer by hand: @lvsdeck/protocol has no schema for it. */
export function parseSimFaultResponse(body: unknown): ParseOutcome<SimFaultResponse> {
  if (typeof body !== "object" || body === null) return { ok: false, error: "(body): expected an object" };
  const { ok, detail } = body as Record<string, unknown>;
  if (ok !== true) return { ok: false, error: "ok: expected true" };
  return { ok: true, value: { ok: true, detail: typeof detail === "string" ? detail : "" } };
}

/** Injects a fault into a simulated director. */
export function postSimFault(request: SimFaultRequest): Promise<SimFaultResponse> {
  return postJson("/api/sim/faults", request, parseSimFaultResponse);
}
