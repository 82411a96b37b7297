import type { Locator, Page } from "@playwright/test";

/** The dashboard's topology page, read per VRRP instance: who each one shows as MASTER, its services, the hub's alerts. */
export class VrrpTopologyPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async open(): Promise<void> {
    await this.page.goto(this.baseUrl);
  }

  /** The card of one VRRP instance (VRID). */
  group(vrid: number): Locator {
    return this.page.locator(`[data-testid="vrrp-group"][data-vrid="${vrid}"]`);
  }

  /** The card of the VRRP group that carries a VIP: with VRIDs reused across segments, the VRID alone is ambiguous. */
  groupOf(vip: string): Locator {
    return this.page.locator(`[data-testid="vrrp-group"][data-vips~="${vip}"]`);
  }

  /** A director's card within one instance: `data-state` is its VRRP state there, `data-stale` its data age. */
  director(vrid: number, id: string): Locator {
    return this.group(vrid).locator(`[data-testid="director"][data-director="${id}"]`);
  }

  /** A virtual service shown under one instance's VIPs. */
  service(vrid: number, key: string): Locator {
    return this.group(vrid).locator(`[data-testid="service"][data-service="${key}"]`);
  }

  /** The page's banners (split brain, no MASTER, …): the hub's verdicts. */
  banner(kind: string): Locator {
    return this.page.locator(`[data-testid="banner"][data-kind="${kind}"]`);
  }

  /** One of the hub's active alerts, by rule (`vip-on-two-directors`, `split-brain`, …). */
  alert(rule: string): Locator {
    return this.page.locator(`[data-testid="alert"][data-rule="${rule}"]`);
  }
}
