import type { Locator } from "@playwright/test";

/** What a real server's row says about the weight change sent from it: overall and per director. */
export class WeightOutcome {
  constructor(readonly row: Locator) {}

  /** The outcome of the last change; `data-state` is applied / partial / pending / failed. */
  result(): Locator {
    return this.row.getByTestId("weight-result");
  }

  /** One director's line; `data-state` is ok / disconnected / drift / failed / timeout / pending. */
  director(id: string): Locator {
    return this.result().locator(`[data-testid="weight-director"][data-director="${id}"]`);
  }

  /** The inline note shown beside a runtime-mode weight being changed. */
  runtimeNote(): Locator {
    return this.row.getByTestId("weight-mode-note");
  }

  numberField(): Locator {
    return this.row.getByRole("spinbutton");
  }
}
