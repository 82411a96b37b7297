import type { DirectorId, RealServerKey, ServiceKey, SimFaultRequest, SimFaultResponse, WeightChange, WeightChangeRequest } from "@lvsdeck/protocol";
import { simFaultResponseSchema, weightChangeResponseSchema } from "@lvsdeck/protocol";
import { postJson } from "./http";

/** Asks the hub to change a real server's weight on every director carrying the service (or one). */
export function postWeightChange(request: WeightChangeRequest): Promise<WeightChange> {
  return postJson("/api/weights", request, weightChangeResponseSchema);
}

/** Sends a weight change again to one director that drifted, failed or timed out. */
export function postReapply(changeId: string, director: DirectorId): Promise<WeightChange> {
  return postJson(`/api/weights/${encodeURIComponent(changeId)}/reapply`, { director }, weightChangeResponseSchema);
}

/** `POST /api/drain` and `POST /api/restore`: one real server, with an idempotency key. */
export interface DrainRequest {
  service: ServiceKey;
  realServer: RealServerKey;
  requestId: string;
  /** Draining the last healthy server needs both. */
  force?: boolean;
  reason?: string;
}

/** Drains a real server (weight 0 everywhere); the hub remembers the weight it had for Restore. */
export function postDrain(request: DrainRequest): Promise<WeightChange> {
  return postJson("/api/drain", request, weightChangeResponseSchema);
}

/** Puts back the weight a drained real server had before its drain. */
export function postRestore(request: Omit<DrainRequest, "force">): Promise<WeightChange> {
  return postJson("/api/restore", request, weightChangeResponseSchema);
}

/** Injects a fault into a simulated director. */
export function postSimFault(request: SimFaultRequest): Promise<SimFaultResponse> {
  return postJson("/api/sim/faults", request, simFaultResponseSchema);
}
