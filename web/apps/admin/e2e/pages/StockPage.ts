import { expect, type Locator, type Page } from "@playwright/test";
import { Shell } from "./Shell";

export class StockPage extends Shell {
  readonly available: Locator;
  readonly ledger: Locator;

  constructor(page: Page) {
    super(page);
    this.available = page.getByTestId("available");
    this.ledger = page.getByRole("region", { name: "Ledger" });
  }

  async goto(sku: string) {
    await this.page.goto(`/inventory/${sku}`);
    await expect(this.page.getByRole("heading", { level: 1, name: `Stock of ${sku}` })).toBeVisible();
  }

  async receive(quantity: number, reason: string) {
    await this.page.getByLabel("Receive (add)").check();
    await this.page.getByLabel("Quantity").fill(String(quantity));
    await this.page.getByLabel("Reason").fill(reason);
    await this.page.getByRole("button", { name: "Save stock movement" }).click();
  }
}
