/** Thrown when a caller asks a simulated director for something it cannot do (unknown service, bad fault). */
export class SimError extends Error {
  override readonly name = "SimError";
}
