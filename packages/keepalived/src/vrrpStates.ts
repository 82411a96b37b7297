import type { VrrpState } from "@lvsdeck/protocol";

// keepalived/include/vrrp.h; the JSON dump carries these raw numbers. 97 and 98 are internal states
// that the data dump prints as "unknown", so only the JSON can tell STOP and DELETED apart.
const jsonStateCodes: ReadonlyMap<number, VrrpState> = new Map([
  [0, "INIT"],
  [1, "BACKUP"],
  [2, "MASTER"],
  [3, "FAULT"],
  [97, "DELETED"],
  [98, "STOP"],
]);

/** Maps a numeric state from the SIGJSON dump (`state`, `wantstate`) to a protocol state. */
export function stateFromJsonCode(code: number): VrrpState {
  return jsonStateCodes.get(code) ?? "UNKNOWN";
}

// vrrp_data.c get_state_str(): STOP and DELETED both print as "unknown" here.
const dataStateNames: ReadonlyMap<string, VrrpState> = new Map([
  ["INIT", "INIT"],
  ["BACKUP", "BACKUP"],
  ["MASTER", "MASTER"],
  ["FAULT", "FAULT"],
]);

/** Maps a state name from the SIGUSR1 data dump to a protocol state. */
export function stateFromDataName(name: string): VrrpState {
  return dataStateNames.get(name.trim()) ?? "UNKNOWN";
}
