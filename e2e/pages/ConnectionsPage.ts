import type { Locator, Page } from "@playwright/test";

/** The connection browser at /connections. */
export class ConnectionsPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async open(query = ""): Promise<void> {
    await this.page.goto(`${this.baseUrl}/connections${query}`);
  }

  rows(): Locator {
    return this.page.getByTestId("connection-row");
  }

  summary(): Locator {
    return this.page.getByTestId("connections-summary");
  }

  async search(filters: Partial<Record<"Client" | "VIP" | "Real server", string>> & { State?: string }): Promise<void> {
    for (const [label, value] of Object.entries(filters)) {
      if (label === "State") await this.page.getByLabel("State").selectOption(value);
      else await this.page.getByLabel(label, { exact: true }).fill(value);
    }
    await this.page.getByRole("button", { name: "Search" }).click();
  }
}
