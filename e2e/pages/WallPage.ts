import type { Locator, Page } from "@playwright/test";

/** The NOC wall at /wall: tiles per VIP and banners. */
export class WallPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async open(): Promise<void> {
    await this.page.goto(`${this.baseUrl}/wall`);
  }

  tile(vip: string): Locator {
    return this.page.locator(`[data-testid="wall-tile"][data-vip="${vip}"]`);
  }

  banner(kind: string): Locator {
    return this.page.locator(`[data-testid="wall-banner"][data-kind="${kind}"]`);
  }
}
