import type { Locator, Page } from "@playwright/test";

/** The incident timeline at /timeline, with the cluster as it was at a chosen moment. */
export class TimelinePage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async open(query = ""): Promise<void> {
    await this.page.goto(`${this.baseUrl}/timeline${query}`);
  }

  /** Events in the list, newest first, optionally of one kind and director. */
  events(kind?: string, director?: string): Locator {
    const kindSel = kind === undefined ? "" : `[data-kind="${kind}"]`;
    const dirSel = director === undefined ? "" : `[data-director="${director}"]`;
    return this.page.locator(`[data-testid="timeline-event"]${kindSel}${dirSel}`);
  }

  /** Shows the cluster just before an event. */
  async choose(event: Locator): Promise<void> {
    await event.getByRole("button", { name: /^Show the cluster just before/ }).click();
  }

  moment(): Locator {
    return this.page.getByTestId("moment");
  }

  /** A director's card in the cluster shown for the chosen moment. */
  momentDirector(id: string): Locator {
    return this.moment().locator(`[data-testid="director"][data-director="${id}"]`).first();
  }

  async filter(label: "Window" | "VIP" | "Director" | "Kind", value: string): Promise<void> {
    await this.page.getByLabel(label, { exact: true }).selectOption(value);
  }
}
