import { expect, type Locator, type Page } from "@playwright/test";
import { Shell } from "./Shell";

/** The webhooks list and the new-webhook page (its form, then the secret shown once). */
export class WebhooksPage extends Shell {
  readonly url: Locator;
  readonly secret: Locator;
  readonly table: Locator;

  constructor(page: Page) {
    super(page);
    this.url = page.getByLabel("URL", { exact: true });
    this.secret = page.getByRole("textbox", { name: "Signing secret" });
    this.table = page.getByRole("table", { name: "Webhook subscriptions" });
  }

  async goto() {
    await this.page.goto("/webhooks");
    await expect(this.page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
  }

  async gotoNew() {
    await this.page.goto("/webhooks/new");
    await expect(this.page.getByRole("heading", { level: 1, name: "New webhook" })).toBeVisible();
  }

  async fill(values: { url: string; description?: string; eventTypes: string[] }) {
    await this.url.fill(values.url);
    if (values.description !== undefined) await this.page.getByLabel("Description").fill(values.description);
    const types = this.page.getByRole("group", { name: "Event types" });
    for (const type of values.eventTypes) await types.getByLabel(type, { exact: true }).check();
  }

  async create() {
    await this.page.getByRole("button", { name: "Create webhook" }).click();
  }

  /** The list's row of a subscription, found by its URL. */
  row(url: string) {
    return this.table.getByRole("row").filter({ has: this.page.getByRole("link", { name: url, exact: true }) });
  }
}
