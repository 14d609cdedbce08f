import { expect, type Locator, type Page } from "@playwright/test";
import { ShopPage } from "./ShopPage";

/** One of the customer's orders: the confirmation page and the page under My orders. */
export class OrderPage extends ShopPage {
  readonly status: Locator;
  readonly timeline: Locator;

  constructor(page: Page) {
    super(page);
    this.status = page.getByRole("region", { name: "Status" });
    this.timeline = page.getByRole("list", { name: "Order timeline" }).getByRole("listitem");
  }

  async goto(orderId: string) {
    await this.page.goto(`/orders/${orderId}`);
    await expect(this.heading).toContainText("Order ORD-");
  }

  orderIdFromUrl(): string {
    const match = /\/orders\/([0-9a-f-]{36})$/.exec(this.page.url());
    if (!match?.[1]) throw new Error(`not an order page: ${this.page.url()}`);
    return match[1];
  }

  /** Waits for the status (the contract's value) and its words in the status panel. */
  async expectStatus(status: string, words: string) {
    await expect(this.status).toHaveAttribute("data-order-status", status);
    await expect(this.status.locator(".status-line")).toHaveText(words);
  }

  async expectLive() {
    await expect(this.page.getByText("Live updates on")).toBeVisible();
  }
}
