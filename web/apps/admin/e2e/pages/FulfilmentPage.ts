import { expect, type Page } from "@playwright/test";
import { Shell } from "./Shell";

/** The fulfilment queue and its pick list. */
export class FulfilmentPage extends Shell {
  constructor(page: Page) {
    super(page);
  }

  async goto() {
    await this.page.goto("/fulfilment");
    await expect(this.page.getByRole("heading", { level: 1, name: "Fulfilment" })).toBeVisible();
  }

  /** The queue's orders, oldest first. */
  orders() {
    return this.page.getByRole("list", { name: "Orders to ship" }).getByRole("article");
  }

  order(orderNumber: string) {
    return this.page.getByRole("article", { name: orderNumber });
  }

  async ship(orderNumber: string, other?: { carrier: string; trackingNumber: string; trackingUrl: string }) {
    const form = this.page.getByRole("form", { name: `Ship ${orderNumber}` });
    if (other) {
      await form.getByLabel("Handed to another carrier").check();
      await form.getByLabel("Carrier", { exact: true }).fill(other.carrier);
      await form.getByLabel("Tracking number").fill(other.trackingNumber);
      await form.getByLabel("Tracking page").fill(other.trackingUrl);
      await form.getByRole("button", { name: "Ship with this carrier" }).click();
    } else {
      await form.getByRole("button", { name: "Ship", exact: true }).click();
    }
  }

  async openPickList() {
    await this.page.getByRole("link", { name: "Pick list" }).click();
    await expect(this.page.getByRole("heading", { level: 1, name: "Pick list" })).toBeVisible();
  }

  pickListRow(sku: string) {
    return this.page.getByRole("table", { name: "Pick list" }).getByRole("row").filter({ has: this.page.getByRole("rowheader", { name: sku, exact: true }) });
  }
}
