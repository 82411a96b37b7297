import type { VrrpInstance } from "@lvsdeck/protocol";
import { checkInstance, epochSecondsToMs } from "./instanceDetails";
import type { KeepalivedVrrpView, VrrpInstanceDetails, VrrpStats } from "./instanceDetails";
import { isUnterminatedJson } from "./jsonCompleteness";
import { flagField, isJsonObject, numberField, stringArrayField, stringField } from "./jsonFields";
import type { JsonObject } from "./jsonFields";
import { fail, ok } from "./result";
import type { DumpError, ParseResult } from "./result";
import { parseVip } from "./vips";
import { stateFromJsonCode } from "./vrrpStates";

const statsKeys = {
  advertRcvd: "advert_rcvd",
  advertSent: "advert_sent",
  becomeMaster: "become_master",
  releaseMaster: "release_master",
  packetLenErr: "packet_len_err",
  advertIntervalErr: "advert_interval_err",
  ipTtlErr: "ip_ttl_err",
  invalidTypeRcvd: "invalid_type_rcvd",
  addrListErr: "addr_list_err",
  invalidAuthtype: "invalid_authtype",
  authtypeMismatch: "authtype_mismatch",
  authFailure: "auth_failure",
  priZeroRcvd: "pri_zero_rcvd",
  priZeroSent: "pri_zero_sent",
} as const satisfies Record<keyof VrrpStats, string>;

function parseStats(stats: unknown): VrrpStats | null {
  if (!isJsonObject(stats)) return null;
  const entries = Object.entries(statsKeys).map(([ours, theirs]) => [ours, numberField(stats, theirs)] as const);
  return entries.every(([, value]) => value !== null) ? (Object.fromEntries(entries) as unknown as VrrpStats) : null;
}

function invalid(message: string): ParseResult<never, DumpError> {
  return fail({ kind: "invalid", message });
}

interface ParsedEntry {
  readonly instance: VrrpInstance;
  readonly details: VrrpInstanceDetails;
}

// Only the fields below are read: auth_type/auth_data (a clear-text password in 2.2.7) never leave this function.
function parseEntry(entry: unknown, index: number): ParseResult<ParsedEntry, DumpError> {
  const data = isJsonObject(entry) ? entry["data"] : undefined;
  if (!isJsonObject(entry) || !isJsonObject(data)) return invalid(`entry ${index}: expected {"data":{…},"stats":{…}}`);
  const name = stringField(data, "iname");
  if (name === null) return invalid(`entry ${index}: no "iname"`);
  const missing = ["vrid", "state", "wantstate", "base_priority", "effective_priority", "adver_int"].find(
    (key) => numberField(data, key) === null,
  );
  if (missing !== undefined) return invalid(`instance "${name}": no numeric "${missing}"`);
  const num = (key: string): number => numberField(data, key) ?? 0;
  const masterPriority = numberField(data, "master_priority");
  const vipEntries = (stringArrayField(data, "vips") ?? []).map(parseVip);
  const checked = checkInstance({
    name,
    vrid: num("vrid"),
    interface: stringField(data, "ifp_ifname") ?? "",
    state: stateFromJsonCode(num("state")),
    basePriority: num("base_priority"),
    effectivePriority: num("effective_priority"),
    advertIntervalMs: Math.round(num("adver_int") * 1000),
    preempt: !(flagField(data, "nopreempt") ?? false),
    vips: vipEntries.flatMap((vip) => (vip ? [vip.address] : [])),
    lastTransitionAt: epochSecondsToMs(numberField(data, "last_transition")),
    // 2.2.7's JSON has neither the master's address nor sync groups: only the data dump does.
    masterRouter: null,
    syncGroup: null,
    counters: parseStats(entry["stats"]),
    // 0 on a MASTER: nobody else's priority was heard.
    masterPriority: masterPriority === null || masterPriority === 0 ? null : masterPriority,
  });
  if (!checked.ok) return checked;
  return ok({
    instance: checked.value,
    details: {
      name,
      wantState: stateFromJsonCode(num("wantstate")),
      vipsInstalled: flagField(data, "vipset") ?? false,
      vrrpVersion: numberField(data, "version"),
    },
  });
}

function entriesOf(document: unknown): unknown[] | null {
  if (Array.isArray(document)) return document;
  // Later keepalived versions can wrap the array as {"vrrp":[…]} (json_version 2); accept it too.
  const wrapped: unknown = isJsonObject(document) ? (document as JsonObject)["vrrp"] : undefined;
  return Array.isArray(wrapped) ? wrapped : null;
}

/**
 * Parses `/tmp/keepalived.json` (SIGJSON) into protocol instances; a half-written file gives an
 * `incomplete` error so the caller can retry. Sync groups are always empty: 2.2.7 does not write them.
 */
export function parseKeepalivedJson(text: string): ParseResult<KeepalivedVrrpView, DumpError> {
  if (isUnterminatedJson(text)) return fail({ kind: "incomplete", message: "keepalived.json is empty or cut short" });
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return invalid(`keepalived.json is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const entries = entriesOf(document);
  if (entries === null) return invalid("keepalived.json: expected a top-level array of instances");
  const instances: VrrpInstance[] = [];
  const details: VrrpInstanceDetails[] = [];
  for (const [index, entry] of entries.entries()) {
    const parsed = parseEntry(entry, index);
    if (!parsed.ok) return parsed;
    instances.push(parsed.value.instance);
    details.push(parsed.value.details);
  }
  return ok({ instances, syncGroups: [], details });
}
