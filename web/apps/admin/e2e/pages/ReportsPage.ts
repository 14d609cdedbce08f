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

  /** A money figure of the sales totals: `group` is "Collected" or "Refunded", `term` "Goods", "Shipping" or "Tax". */
  salesFigure(group: "Collected" | "Refunded", term: "Goods" | "Shipping" | "Tax") {
    return this.page
      .getByRole("region", { name: new RegExp(`^${group}\\b`) })
      .getByRole("term")
      .filter({ hasText: new RegExp(`^${term}$`) })
      .locator("xpath=following-sibling::dd[1]");
  }

  /** A figure of a period's row in the sales table, by its column. */
  salesCell(period: string, column: SalesColumn) {
    return this.salesRow(period).getByRole("cell").nth(SALES_COLUMNS.indexOf(column));
  }

  async downloadCsv(name: "sales" | "products" | "customers") {
    const download = this.page.waitForEvent("download");
    await this.page.getByRole("button", { name: `Download ${name} CSV` }).click();
    return download;
  }
}

/** The sales table's cells after the period, in order (the row header is not a cell). */
const SALES_COLUMNS = [
  "orders",
  "units",
  "revenue",
  "goodsCollected",
  "shippingCollected",
  "taxCollected",
  "refunds",
  "goodsRefunded",
  "shippingRefunded",
  "taxRefunded",
  "netRevenue",
] as const;
export type SalesColumn = (typeof SALES_COLUMNS)[number];
