import type { Locator, Page } from "@playwright/test";

/** `/admin`: users, tokens and the audit log. */
export class AdminPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async open(tab: "users" | "tokens" | "audit" = "users"): Promise<void> {
    await this.page.goto(`${this.baseUrl}/admin${tab === "users" ? "" : `?tab=${tab}`}`);
  }

  tab(name: "Users" | "Tokens" | "Audit"): Locator {
    return this.page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name, exact: true });
  }

  userRow(name: string): Locator {
    return this.page.locator(`[data-testid="user-row"][data-user="${name}"]`);
  }

  /** Creates a user through the form. */
  async createUser(name: string, role: string, password: string, vips = ""): Promise<void> {
    const form = this.page.getByRole("form", { name: "New user" });
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Role").selectOption(role);
    await form.getByLabel(/^VIPs/).fill(vips);
    await form.getByLabel(/^Password/).fill(password);
    await form.getByRole("button", { name: "Create user" }).click();
  }

  /** Creates a read-only wall token through the form; the secret then shows once. */
  async createWallToken(name: string, vips = ""): Promise<void> {
    const form = this.page.getByRole("form", { name: "New token" });
    await form.getByLabel(/Wall display/).check();
    await form.getByLabel("Name").fill(name);
    await form.getByLabel(/^VIPs/).fill(vips);
    await form.getByRole("button", { name: "Create token" }).click();
  }

  kioskUrl(): Locator {
    return this.page.getByTestId("kiosk-url");
  }

  tokenRow(name: string): Locator {
    return this.page.locator(`[data-testid="token-row"][data-token="${name}"]`);
  }

  /** Audit rows, newest first, optionally of one action. */
  auditRows(action?: string): Locator {
    return this.page.locator(`[data-testid="audit-row"]${action === undefined ? "" : `[data-action="${action}"]`}`);
  }

  async filterByActor(actor: string): Promise<void> {
    await this.page.getByRole("searchbox", { name: "Actor" }).fill(actor);
    await this.page.getByRole("button", { name: "Filter" }).click();
  }
}
