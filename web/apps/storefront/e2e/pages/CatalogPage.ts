import { expect, type Page } from "@playwright/test";
import { ShopPage } from "./ShopPage";

export class CatalogPage extends ShopPage {
  constructor(page: Page) {
    super(page);
  }

  async goto() {
    await this.page.goto("/");
    await expect(this.heading).toHaveText("Shop");
  }

  product(name: string) {
    return this.page.getByRole("list", { name: "Products" }).getByRole("listitem").filter({ has: this.page.getByRole("heading", { name, exact: true }) });
  }

  async add(name: string, quantity = 1) {
    const card = this.product(name);
    await card.getByLabel(`Quantity of ${name}`).selectOption(String(quantity));
    await card.getByRole("button", { name: `Add ${name} to cart` }).click();
    await expect(card.getByText(`Added ${quantity} to your cart`)).toBeVisible();
  }
}

export class ProductPage extends ShopPage {
  async goto(sku: string, name: string) {
    await this.page.goto(`/products/${sku}`);
    await expect(this.heading).toHaveText(name);
  }

  async add(quantity = 1) {
    await this.page.getByLabel("Quantity", { exact: true }).selectOption(String(quantity));
    await this.page.getByRole("button", { name: "Add to cart" }).click();
    await expect(this.page.getByText(`Added ${quantity} to your cart`)).toBeVisible();
  }
}
