import { expect, type Locator, type Page } from "@playwright/test";
import { Shell } from "./Shell";

export class OrderPage extends Shell {
  readonly heading: Locator;
  readonly timeline: Locator;
  /** The timeline's lines that are the carrier's events. */
  readonly carrierEvents: Locator;

  constructor(page: Page) {
    super(page);
    this.heading = page.getByRole("heading", { level: 1 });
    this.timeline = page.getByRole("region", { name: "Timeline" }).getByRole("listitem");
    this.carrierEvents = this.timeline.filter({ hasText: /^Carrier\b/ });
  }

  async goto(orderId: string) {
    await this.page.goto(`/orders/${orderId}`);
    await expect(this.heading).toContainText("Order ORD-");
  }

  async expectStatus(status: string) {
    await expect(this.heading).toContainText(status.replaceAll("_", " "));
  }

  async downloadLabel() {
    const download = this.page.waitForEvent("download");
    await this.page.getByRole("button", { name: "Download label" }).click();
    return download;
  }

  async cancel(reason: string) {
    await this.page.getByRole("button", { name: "Cancel order" }).click();
    await this.page.getByLabel("Reason (optional)").fill(reason);
    await this.page.getByRole("button", { name: "Confirm cancellation" }).click();
  }

  /** The figure beside a term of the order's totals ("Subtotal", "Total"; a pattern for "Shipping …", "Tax (incl.)"). */
  figure(term: string | RegExp) {
    const exact = typeof term === "string" ? new RegExp(`^${term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) : term;
    return this.page
      .getByRole("region", { name: "Items" })
      .getByRole("term")
      .filter({ hasText: exact })
      .locator("xpath=following-sibling::dd[1]");
  }

  /** The order's line for a SKU. */
  line(sku: string) {
    return this.page.getByRole("table", { name: "Order lines" }).getByRole("row").filter({ hasText: sku });
  }

  returnCard(index = 0) {
    return this.page.getByRole("article").nth(index);
  }
}
