import { expect, type Locator, type Page } from "@playwright/test";

/** What every dashboard screen shares: the left navigation and the main area. */
export class Shell {
  readonly nav: Locator;
  readonly main: Locator;

  constructor(protected readonly page: Page) {
    this.nav = page.getByRole("navigation", { name: "Main" });
    this.main = page.getByRole("main");
  }

  async open(
    section:
      | "Orders"
      | "Fulfilment"
      | "Payments"
      | "Returns"
      | "Inventory"
      | "Products"
      | "Promotions"
      | "Shipping options"
      | "Tax rates"
      | "Reports"
      | "Webhooks"
      | "Settings",
  ) {
    await this.nav.getByRole("link", { name: section }).click();
    await expect(this.page.getByRole("heading", { level: 1, name: section })).toBeVisible();
  }

  async expectLoaded() {
    await expect(this.page.getByRole("status").filter({ hasText: /^Loading/ })).toHaveCount(0);
  }
}
