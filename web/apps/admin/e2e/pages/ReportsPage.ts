import { expect, type Page } from "@playwright/test";
import { Shell } from "./Shell";

export class ReportsPage extends Shell {
  constructor(page: Page) {
    super(page);
  }

  async goto() {
    await this.page.goto("/reports");
    await expect(this.page.getByRole("heading", { level: 1, name: "Reports" })).toBeVisible();
  }

  salesRow(period: string) {
    return this.page.getByRole("table", { name: "Sales per day" }).getByRole("row").filter({ has: this.page.getByRole("rowheader", { name: period }) });
  }

  async downloadCsv(name: "sales" | "products" | "customers") {
    const download = this.page.waitForEvent("download");
    await this.page.getByRole("button", { name: `Download ${name} CSV` }).click();
    return download;
  }
}
