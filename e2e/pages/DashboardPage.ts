import { expect } from "@playwright/test";
import type { Locator, Page } from "@playwright/test";

/** The main dashboard: directors, services, real servers, weight sliders and the simulation panel. */
export class DashboardPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async open(): Promise<void> {
    await this.page.goto(this.baseUrl);
  }

  /** The card of one director (there is one per VRRP instance it is part of; the first one is used). */
  director(id: string): Locator {
    return this.page.locator(`[data-testid="director"][data-director="${id}"]`).first();
  }

  /** The row of one real server within one virtual service. */
  realServer(service: string, realServer: string): Locator {
    return this.page.locator(`[data-testid="real-server"][data-service="${service}"][data-real-server="${realServer}"]`).first();
  }

  weightSlider(service: string, realServer: string): Locator {
    return this.page.getByRole("slider", { name: `Weight of ${realServer} in ${service}` }).first();
  }

  /** The draft a weight control shows before anything is sent: "2 → 5 on lvs-dir-01, lvs-dir-02". */
  weightDraft(service: string, realServer: string): Locator {
    return this.realServer(service, realServer).getByTestId("weight-draft-text");
  }

  /** The Apply button of a real server's weight draft. */
  applyButton(service: string, realServer: string): Locator {
    return this.realServer(service, realServer).getByRole("button", { name: /^Apply weight / });
  }

  /** The Undo button offered for 30 s after a change. */
  undoButton(service: string, realServer: string): Locator {
    return this.realServer(service, realServer).getByTestId("weight-undo");
  }

  /**
   * The slider's box once the page around it has settled: on screen, charts loaded, and standing where
   * it stood at the previous look, so a press lands on it.
   */
  async settledBox(slider: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
    // The graph sits above the cards: bring the row on screen before pointing at it.
    await slider.scrollIntoViewIfNeeded();
    // Charts load lazily above the row and push it down: press only once they are in.
    await expect(this.page.locator(".chart-loading")).toHaveCount(0);
    // The first look only records where the row stands.
    let last: Awaited<ReturnType<Locator["boundingBox"]>> = null;
    await expect
      .poll(
        async () => {
          const previous = last;
          last = await slider.boundingBox();
          return previous !== null && last !== null && Math.abs(last.y - previous.y) < 1 && Math.abs(last.x - previous.x) < 1;
        },
        { message: "the weight slider stopped moving", intervals: [150] },
      )
      .toBe(true);
    const box = await slider.boundingBox();
    if (!box) throw new Error("slider not visible");
    return box;
  }

  /**
   * Where on a slider's track `weight` sits: the thumb's centre travels from half a thumb inside the left
   * end to half a thumb inside the right one (Chromium's range thumb is 16 px wide).
   */
  async xOf(slider: Locator, box: { x: number; width: number }, weight: number): Promise<number> {
    const min = Number(await slider.getAttribute("min"));
    const max = Number(await slider.getAttribute("max"));
    const thumb = 16;
    return box.x + thumb / 2 + ((weight - min) / (max - min)) * (box.width - thumb);
  }

  /**
   * With the mouse pressed on `slider`, moves it until the slider holds `weight`: first to where the weight
   * should sit, then a step's width at a time toward it (pixel rounding can land one step off).
   */
  async holdAt(slider: Locator, box: { x: number; y: number; width: number; height: number }, weight: number): Promise<void> {
    const min = Number(await slider.getAttribute("min"));
    const max = Number(await slider.getAttribute("max"));
    const step = (box.width - 16) / (max - min);
    let x = await this.xOf(slider, box, weight);
    await this.page.mouse.move(x, box.y + box.height / 2, { steps: 6 });
    await expect
      .poll(async () => {
        const now = Number(await slider.inputValue());
        if (now !== weight) {
          x += (weight - now) * step;
          await this.page.mouse.move(x, box.y + box.height / 2);
        }
        return now;
      }, { message: `the slider reached weight ${weight}` })
      .toBe(weight);
  }

  /** Drags a weight slider with the mouse to `weight` and releases it: a draft, not yet applied. */
  async dragWeight(service: string, realServer: string, weight: number): Promise<void> {
    const slider = this.weightSlider(service, realServer);
    const box = await this.pressSlider(slider);
    await this.holdAt(slider, box, weight);
    await this.page.mouse.up();
  }

  /**
   * Presses the mouse on a slider's left end and returns where the slider was. The page can still shift
   * (a chart or an event line appearing above) between measuring the slider and pressing: a press that
   * did not land on it (the slider did not take focus) is let go and made again.
   */
  async pressSlider(slider: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
    let box: Awaited<ReturnType<DashboardPage["settledBox"]>> | null = null;
    await expect
      .poll(async () => {
        const settled = await this.settledBox(slider);
        await this.page.mouse.move(settled.x + 2, settled.y + settled.height / 2);
        await this.page.mouse.down();
        if (await slider.evaluate((el) => el === document.activeElement)) box = settled;
        else await this.page.mouse.up();
        return box !== null;
      }, { message: "the press landed on the weight slider" })
      .toBe(true);
    return box!;
  }

  simButton(name: string): Locator {
    return this.page.getByRole("button", { name, exact: true });
  }

  banner(kind: string): Locator {
    return this.page.locator(`[data-testid="banner"][data-kind="${kind}"]`);
  }

  /** Drain (weight 0) and Restore buttons of a real server. */
  drainButton(service: string, realServer: string): Locator {
    return this.page.getByRole("button", { name: `Drain ${realServer} in ${service}`, exact: true }).first();
  }

  restoreButton(service: string, realServer: string): Locator {
    return this.page.getByRole("button", { name: new RegExp(`^Restore ${realServer.replace(/[.[\]]/g, "\\$&")} in `) }).first();
  }

  drainProgress(service: string, realServer: string): Locator {
    return this.realServer(service, realServer).getByTestId("drain-progress");
  }

  search(): Locator {
    return this.page.getByRole("searchbox", { name: /Find a VIP/ });
  }

  graphNode(id: string): Locator {
    return this.page.locator(`[data-testid="graph-node"][data-node="${id}"]`);
  }

  /** A weight shown as a plain number, to users who may not change it. */
  weightValue(service: string, realServer: string): Locator {
    return this.realServer(service, realServer).getByTestId("weight-value");
  }

  /** The dialog asking for force and a reason before an unsafe change. */
  forceDialog(): Locator {
    return this.page.getByRole("dialog");
  }

  /** Gives the reason and presses Force in the open dialog. */
  async forceWithReason(reason: string): Promise<void> {
    const dialog = this.forceDialog();
    await dialog.getByRole("textbox", { name: "Reason" }).fill(reason);
    await dialog.getByRole("button", { name: "Force" }).click();
  }

  /** Who the header says is signed in. */
  session(): Locator {
    return this.page.getByTestId("session");
  }

  async signOut(): Promise<void> {
    await this.session().getByRole("button", { name: "Sign out" }).click();
  }

  nav(name: string): Locator {
    return this.page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name, exact: true });
  }
}
