import { expect, type Page } from "@playwright/test";
import { ShopPage } from "./ShopPage";

export class CartPage extends ShopPage {
  readonly lines;

  constructor(page: Page) {
    super(page);
    this.lines = page.getByRole("list", { name: "Items in your cart" }).getByRole("listitem");
  }

  async goto() {
    await this.page.goto("/cart");
    await expect(this.heading).toHaveText("Your cart");
    await this.expectLoaded();
  }

  line(name: string) {
    return this.page.getByRole("list", { name: "Items in your cart" }).getByRole("listitem", { name });
  }

  /** The figure beside a term of the totals ("Subtotal", "Total"). */
  figure(term: string) {
    return this.page.getByRole("definition").filter({ has: this.page.locator(`xpath=preceding-sibling::dt[1][normalize-space(.)="${term}"]`) });
  }
}
