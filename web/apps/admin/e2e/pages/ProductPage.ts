import { expect, type Page } from "@playwright/test";
import { Shell } from "./Shell";

export class ProductPage extends Shell {
  constructor(page: Page) {
    super(page);
  }

  async gotoNew() {
    await this.page.goto("/products/new");
    await expect(this.page.getByRole("heading", { level: 1, name: "New product" })).toBeVisible();
  }

  async fill(values: { sku: string; name: string; price: string; currency?: string; threshold?: string }) {
    await this.page.getByLabel("SKU").fill(values.sku);
    await this.page.getByLabel("Name").fill(values.name);
    await this.page.getByLabel("Price").fill(values.price);
    if (values.currency) await this.page.getByLabel("Currency").fill(values.currency);
    if (values.threshold) await this.page.getByLabel("Low-stock threshold").fill(values.threshold);
  }

  async create() {
    await this.page.getByRole("button", { name: "Create product" }).click();
  }
}
