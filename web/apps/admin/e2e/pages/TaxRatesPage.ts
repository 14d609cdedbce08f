import { expect, type Page } from "@playwright/test";
import { Shell } from "./Shell";

export class TaxRatesPage extends Shell {
  constructor(page: Page) {
    super(page);
  }

  async goto() {
    await this.page.goto("/tax-rates");
    await expect(this.page.getByRole("heading", { level: 1, name: "Tax rates" })).toBeVisible();
  }

  row(rateId: string) {
    return this.page.getByRole("table", { name: "Tax rates" }).getByRole("row").filter({ has: this.page.getByRole("rowheader", { name: new RegExp(`^${rateId}\\b`) }) });
  }

  async setRate(values: { country: string; region?: string; name: string; percent: string; shippingTaxed: boolean }) {
    const form = this.page.getByRole("form", { name: "Set a tax rate" });
    await form.getByLabel("Country").selectOption(values.country);
    await form.getByLabel("Region (optional)").fill(values.region ?? "");
    await form.getByLabel("Name").fill(values.name);
    await form.getByLabel("Rate (%)").fill(values.percent);
    await form.getByLabel("Shipping is taxed too").setChecked(values.shippingTaxed);
    await form.getByRole("button", { name: /^Save rate for / }).click();
  }

  async remove(rateId: string) {
    await this.row(rateId).getByRole("button", { name: `Remove ${rateId}` }).click();
    await this.row(rateId).getByRole("button", { name: `Confirm removing ${rateId}` }).click();
  }
}
