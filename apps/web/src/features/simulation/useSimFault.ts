import { useMutation } from "@tanstack/react-query";
import type { DirectorView, SimFaultRequest } from "@lvsdeck/protocol";
import { postSimFault } from "../../api/mutations";

/** Injects faults into one simulated director; the outcome stays on the mutation for the panel to show. */
export function useSimFault() {
  return useMutation({ mutationFn: (request: SimFaultRequest) => postSimFault(request) });
}

/** Cuts or restores the VRRP link on every connected simulated director at once, so they stop hearing each other. */
export function useVrrpLinkFault(directors: readonly DirectorView[]) {
  return useMutation({
    mutationFn: async (fault: "cut-link" | "restore-link") => {
      const answers = await Promise.all(directors.filter((d) => d.connected).map((d) => postSimFault({ director: d.id, fault })));
      return answers.map((a) => a.detail).filter((d) => d !== "").join("; ");
    },
  });
}
