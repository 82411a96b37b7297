import type { KnownScheduler } from "@lvsdeck/protocol";
import { createDestinationHashScheduler, createLocalityScheduler, createSourceHashScheduler } from "./hashing";
import {
  createFailoverScheduler,
  createLeastConnectionScheduler,
  createNeverQueueScheduler,
  createOverflowScheduler,
  createShortestExpectedDelayScheduler,
  createWeightedLeastConnectionScheduler,
} from "./leastConnection";
import { createRoundRobinScheduler, createWeightedRoundRobinScheduler } from "./roundRobin";
import type { IpvsScheduler } from "./schedulerTypes";

/**
 * Creates the scheduler a virtual service names. Approximations: `lblcr` behaves as `lblc` (one server
 * per destination instead of a server set), `mh` as `sh` with weighted buckets (not Maglev's permutation
 * table), and `none` never picks a destination.
 */
export function createScheduler(name: KnownScheduler, flags: readonly string[] = []): IpvsScheduler {
  switch (name) {
    case "rr":
      return createRoundRobinScheduler();
    case "wrr":
      return createWeightedRoundRobinScheduler();
    case "lc":
      return createLeastConnectionScheduler();
    case "wlc":
      return createWeightedLeastConnectionScheduler();
    case "sed":
      return createShortestExpectedDelayScheduler();
    case "nq":
      return createNeverQueueScheduler();
    case "fo":
      return createFailoverScheduler();
    case "ovf":
      return createOverflowScheduler();
    case "sh":
      return createSourceHashScheduler(flags);
    case "mh":
      return createSourceHashScheduler(flags.includes("mh-port") ? ["sh-port", "sh-fallback"] : ["sh-fallback"], "mh");
    case "dh":
      return createDestinationHashScheduler();
    case "lblc":
      return createLocalityScheduler();
    case "lblcr":
      return createLocalityScheduler("lblcr");
    case "none":
      return { name: "none", schedule: () => null, update: () => undefined };
  }
}
