import type { Locator, Page } from "@playwright/test";

/** The sign-in form every page shows until the hub knows who this is. */
export class LoginPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async open(path = "/"): Promise<void> {
    await this.page.goto(`${this.baseUrl}${path}`);
  }

  form(): Locator {
    return this.page.getByRole("form", { name: "lvsdeck" });
  }

  /** Fills the form and presses Sign in, as a person would. */
  async signIn(user: string, password: string): Promise<void> {
    await this.page.getByLabel("User").fill(user);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Sign in" }).click();
  }

  error(): Locator {
    return this.form().getByRole("alert");
  }
}
