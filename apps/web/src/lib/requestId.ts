/** What the hub accepts as a request id (`requestId`: 8-64 of A-Z a-z 0-9 _ -). */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/** Random bytes in one request id: 128 bits, like a UUID. */
const REQUEST_ID_BYTES = 16;

/**
 * A fresh idempotency key for one change: 32 random hex digits. A request repeated with the same id
 * is applied once by the hub; every new operator action gets a new one. `crypto.getRandomValues`
 * rather than `randomUUID`, which browsers offer only on https (a hub on plain http in a LAN is common).
 */
export function newRequestId(fill: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const bytes = fill(new Uint8Array(REQUEST_ID_BYTES));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
