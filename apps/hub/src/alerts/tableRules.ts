import type { Alert, VirtualService } from "@lvsdeck/protocol";
import type { AlertOptions } from "./alertOptions";
import { makeAlert } from "./alertOptions";
import type { FreshDirector, VrrpGroup } from "./directorFacts";
import { isFresh, normalizeVip } from "./directorFacts";
import { diffTables } from "./tableDiff";

// The services a VRRP group moves on failover: those on its VIPs, and every fwmark service.
function groupServices(group: VrrpGroup, view: FreshDirector): VirtualService[] {
  const vips = new Set(group.vips);
  return view.snapshot.services.filter((s) => (s.address === null ? s.fwmark !== null : vips.has(normalizeVip(s.address))));
}

function freshWithState(group: VrrpGroup, state: "MASTER" | "BACKUP"): FreshDirector[] {
  const seen = new Map<string, FreshDirector>();
  for (const m of group.members) {
    if (m.instance.state === state && isFresh(m.director)) seen.set(m.director.id, m.director);
  }
  return [...seen.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * tables-differ: the one fresh MASTER of a VRRP group and a fresh BACKUP of it hold different IPVS tables
 * for the group's services; the message says what would change on failover to that BACKUP.
 */
export function tablesDifferAlerts(groups: readonly VrrpGroup[], now: number, options: AlertOptions): Alert[] {
  const alerts: Alert[] = [];
  for (const group of groups) {
    const masters = freshWithState(group, "MASTER");
    const master = masters[0];
    // No MASTER or several: no-master or split-brain already speaks for the group.
    if (master === undefined || masters.length > 1) continue;
    for (const backup of freshWithState(group, "BACKUP")) {
      if (backup.id === master.id) continue;
      const differences = diffTables(groupServices(group, master), groupServices(group, backup));
      if (differences.length === 0) continue;
      const listed = differences.slice(0, options.maxDifferencesListed).join("; ");
      const more = differences.length > options.maxDifferencesListed ? `; and ${differences.length - options.maxDifferencesListed} more` : "";
      const scope = { vrid: group.vrid, ...(group.vips.length > 0 && { vip: group.vips.join(",") }), director: backup.id };
      const message = `${group.label} tables differ between MASTER ${master.id} and BACKUP ${backup.id}: on failover to ${backup.id}, ${listed}${more}`;
      alerts.push(makeAlert("tables-differ", scope, message, now));
    }
  }
  return alerts;
}
