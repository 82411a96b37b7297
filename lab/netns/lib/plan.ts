// The netns lab's plan: names, addresses, VRRP instances and priorities, computed before anything is
// created. Pure, so the lab, its tests and the failover bench agree on one layout and it is unit-tested.

/** Most directors a lab may have: each is a keepalived, an agent and a relay on a 2-core machine. */
export const MAX_DIRECTORS = 8;
/** Most VRRP instances: VIPs 198.51.100.100 and up, VRIDs 88 and up. */
export const MAX_INSTANCES = 8;
/** The seed deployment's VRID; instance k of the lab gets VRID 88 + k. */
export const FIRST_VRID = 88;
/** The MASTER's priority in its own instance, as in the seed (200/100). */
export const MASTER_PRIORITY = 200;
/** The first BACKUP's priority; each further BACKUP gets 10 less. */
export const BACKUP_PRIORITY = 100;

/** One director: a network namespace on the lab bridge. */
export interface DirectorPlan {
  /** 1-based, as in the names. */
  index: number;
  /** The director id the agent reports (`lvs-dir-01`). */
  id: string;
  ns: string;
  /** Its address on the lab bridge (198.51.100.11 and up). */
  address: string;
  /** The L2 segment (bridge `br<segment>`) its eth0 is plugged into; 0 unless the lab has several. */
  segment: number;
}

/** One director's part in a VRRP instance. */
export interface InstanceMember {
  director: string;
  priority: number;
  initialState: "MASTER" | "BACKUP";
}

/** One VRRP instance carried by every director. */
export interface InstancePlan {
  name: string;
  vrid: number;
  vip: string;
  /** The director with the highest priority: MASTER whenever its keepalived runs (preemption). */
  master: string;
  members: InstanceMember[];
  /** The L2 segment its adverts travel on: a VRID is unique per segment only, so segments may reuse one. */
  segment: number;
}

/** The whole lab. */
export interface LabPlan {
  prefix: string;
  /** The namespace holding the bridge every director's eth0 is plugged into. */
  bridgeNs: string;
  /** A namespace on the bridge for the hub (the bench runs its hub there); null when the hub runs on the host. */
  hub: { ns: string; address: string } | null;
  directors: DirectorPlan[];
  instances: InstancePlan[];
}

/** Options for {@link planLab}. */
export interface PlanOptions {
  /** Every namespace starts with it (`lvsdk-lab-`), so labs, tests and the bench never clash. */
  prefix: string;
  /** How many directors (default 2, at least 2). */
  directors?: number;
  /** How many VRRP instances (default 1); instance k's MASTER is director k mod N. */
  instances?: number;
  /** Put a hub namespace on the bridge (the bench); default false. */
  hubNamespace?: boolean;
  /** Director id from its 1-based index; default `lvs-dir-01`, `lvs-dir-02`, … */
  directorId?: (index: number) => string;
  /**
   * Independent keepalived groups on separate L2 segments (default 1). The directors are split evenly
   * between them, and every segment runs the same instances (the same VRIDs, as fleets reuse them) with
   * VIPs of its own: segment s gets VIPs 198.51.100.(100 + s * instances + j).
   */
  segments?: number;
}

const defaultDirectorId = (index: number) => `lvs-dir-${String(index).padStart(2, "0")}`;

function count(value: number, name: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, not ${value}`);
  return value;
}

/** Computes the lab's layout; throws a one-line message for a bad count or prefix. */
export function planLab(options: PlanOptions): LabPlan {
  const { prefix } = options;
  // `ip netns` names become files under /run/netns: keep them plain.
  if (!/^[a-z][a-z0-9-]{0,20}-$/.test(prefix)) throw new Error(`namespace prefix must look like "lvsdk-lab-", not "${prefix}"`);
  const n = count(options.directors ?? 2, "the number of directors", 2, MAX_DIRECTORS);
  const k = count(options.instances ?? 1, "the number of VRRP instances", 1, MAX_INSTANCES);
  const segments = count(options.segments ?? 1, "the number of segments", 1, Math.floor(MAX_DIRECTORS / 2));
  if (n % segments !== 0 || n / segments < 2) throw new Error(`${n} directors cannot be split into ${segments} segments of at least 2`);
  if (k * segments > MAX_INSTANCES) throw new Error(`${k} instances on ${segments} segments need more than ${MAX_INSTANCES} VIPs`);
  const perSegment = n / segments;
  const idOf = options.directorId ?? defaultDirectorId;
  const directors = Array.from({ length: n }, (_, i): DirectorPlan => ({
    index: i + 1,
    id: idOf(i + 1),
    ns: `${prefix}d${i + 1}`,
    address: `198.51.100.${11 + i}`,
    segment: Math.floor(i / perSegment),
  }));
  const instances = Array.from({ length: segments }, (_, segment) => {
    const group = directors.filter((d) => d.segment === segment);
    return Array.from({ length: k }, (_, j): InstancePlan => {
      const vrid = FIRST_VRID + j;
      // Director j (mod N) of the segment is this instance's MASTER; the others follow it in order, each 10 lower.
      const members = group.map((director, i): InstanceMember => {
        const rank = (i - (j % perSegment) + perSegment) % perSegment;
        return rank === 0
          ? { director: director.id, priority: MASTER_PRIORITY, initialState: "MASTER" }
          : { director: director.id, priority: BACKUP_PRIORITY - 10 * (rank - 1), initialState: "BACKUP" };
      });
      const vip = `198.51.100.${100 + segment * k + j}`;
      return { name: `VI_${vrid}`, vrid, vip, master: (group[j % perSegment] as DirectorPlan).id, members, segment };
    });
  }).flat();
  return {
    prefix,
    bridgeNs: `${prefix}br`,
    hub: options.hubNamespace === true ? { ns: `${prefix}hub`, address: "198.51.100.1" } : null,
    directors,
    instances,
  };
}

/** Every namespace of the plan, the bridge first. */
export function namespacesOf(plan: LabPlan): string[] {
  return [plan.bridgeNs, ...(plan.hub === null ? [] : [plan.hub.ns]), ...plan.directors.map((d) => d.ns)];
}

/** The instances a director takes part in (those of its segment). */
export function instancesOf(plan: LabPlan, director: DirectorPlan): InstancePlan[] {
  return plan.instances.filter((instance) => instance.segment === director.segment);
}

/** The director of the plan with this id, or an error naming the ones there are. */
export function directorOf(plan: LabPlan, id: string): DirectorPlan {
  const found = plan.directors.find((d) => d.id === id || `d${d.index}` === id);
  if (found === undefined) throw new Error(`no director ${id} (there are ${plan.directors.map((d) => d.id).join(", ")})`);
  return found;
}
