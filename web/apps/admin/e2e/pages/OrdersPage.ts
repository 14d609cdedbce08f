import { expect, type Page } from "@playwright/test";
import { Shell } from "./Shell";

export class OrdersPage extends Shell {
  constructor(page: Page) {
    super(page);
  }

  async goto() {
    await this.page.goto("/orders");
    await expect(this.page.getByRole("heading", { level: 1, name: "Orders" })).toBeVisible();
  }

  async filterByStatus(status: string) {
    await this.page.getByLabel("Status").selectOption(status);
    await this.page.getByRole("button", { name: "Apply filters" }).click();
  }

  async search(text: string) {
    await this.page.getByLabel("Order number or customer e-mail").fill(text);
    await this.page.getByRole("button", { name: "Apply filters" }).click();
  }

  rows() {
    return this.page.getByRole("table", { name: "Orders" }).getByRole("row");
  }

  async openOrder(orderNumber: string) {
    await this.page.getByRole("link", { name: orderNumber }).click();
    await expect(this.page.getByRole("heading", { level: 1, name: new RegExp(`Order ${orderNumber}`) })).toBeVisible();
  }
}
