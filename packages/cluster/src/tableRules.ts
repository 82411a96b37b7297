import type { Verdict, VirtualService } from "@lvsdeck/protocol";
import type { VerdictOptions } from "./verdictOptions";
import { makeVerdict } from "./verdictOptions";
import type { FreshDirector } from "./staleness";
import { normalizeVip } from "./keys";
import type { InstanceGroup } from "./vrrpRules";
import { freshMasterAndBackups, groupScope } from "./vrrpRules";
import { diffTables } from "./tableDiff";

// The services a VRRP group moves on failover: those on its VIPs, and every fwmark service.
export function groupServices(group: InstanceGroup, view: FreshDirector): VirtualService[] {
  const vips = new Set(group.vips);
  return view.snapshot.services.filter((s) => (s.address === null ? s.fwmark !== null : vips.has(normalizeVip(s.address))));
}

/**
 * tables-differ: the one fresh MASTER of a VRRP group and a fresh BACKUP of it hold different IPVS tables
 * for the group's services; the message says what would change on failover to that BACKUP.
 */
export function tablesDifferVerdicts(groups: readonly InstanceGroup[], now: number, options: VerdictOptions): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const group of groups) {
    const pair = freshMasterAndBackups(group);
    if (pair === null) continue;
    const { master } = pair;
    for (const backup of pair.backups) {
      const differences = diffTables(groupServices(group, master), groupServices(group, backup));
      if (differences.length === 0) continue;
      const listed = differences.slice(0, options.maxDifferencesListed).join("; ");
      const more = differences.length > options.maxDifferencesListed ? `; and ${differences.length - options.maxDifferencesListed} more` : "";
      const scope = { ...groupScope(group), director: backup.id };
      const message = `${group.label} tables differ between MASTER ${master.id} and BACKUP ${backup.id}: on failover to ${backup.id}, ${listed}${more}`;
      verdicts.push(makeVerdict("tables-differ", scope, message, now));
    }
  }
  return verdicts;
}
