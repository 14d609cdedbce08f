import { expect, type Page } from "@playwright/test";
import { Shell } from "./Shell";

export type Band = { from: string; upTo: string; price: string };

/** The shipping options list and the create/edit form. */
export class ShippingOptionsPage extends Shell {
  constructor(page: Page) {
    super(page);
  }

  async goto() {
    await this.page.goto("/shipping-options");
    await expect(this.page.getByRole("heading", { level: 1, name: "Shipping options" })).toBeVisible();
  }

  async gotoNew() {
    await this.page.goto("/shipping-options/new");
    await expect(this.page.getByRole("heading", { level: 1, name: "New shipping option" })).toBeVisible();
  }

  row(name: string) {
    return this.page.getByRole("table", { name: "Shipping options" }).getByRole("row").filter({ hasText: name });
  }

  band(index: number) {
    return this.page.getByRole("group", { name: `Band ${index + 1}` });
  }

  async fill(values: { name: string; service: string; countries: string; regions?: string; freeFrom?: string }) {
    await this.page.getByLabel("Name").fill(values.name);
    await this.page.getByLabel("Carrier service").fill(values.service);
    await this.page.getByLabel("Countries").fill(values.countries);
    await this.page.getByLabel("Only these regions").fill(values.regions ?? "");
    await this.page.getByLabel(/^Free from/).fill(values.freeFrom ?? "");
  }

  /** Prices the option by weight with these bands (the form starts with one). */
  async setBands(bands: Band[]) {
    await this.page.getByLabel("By weight").check();
    for (const [index, band] of bands.entries()) {
      if (index > 0) await this.page.getByRole("button", { name: "Add a band" }).click();
      const group = this.band(index);
      await group.getByLabel("From (g)").fill(band.from);
      await group.getByLabel("Up to (g)").fill(band.upTo);
      await group.getByLabel(/^Price/).fill(band.price);
    }
  }

  async create() {
    await this.page.getByRole("button", { name: "Create shipping option" }).click();
  }
}
