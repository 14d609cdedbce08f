import { expect, type Locator, type Page } from "@playwright/test";

/** What every storefront page shares: the header with its navigation, cart and account. */
export class ShopPage {
  readonly header: Locator;
  readonly main: Locator;
  readonly heading: Locator;

  constructor(protected readonly page: Page) {
    this.header = page.getByRole("banner");
    this.main = page.getByRole("main");
    this.heading = page.getByRole("heading", { level: 1 });
  }

  /** The cart link, named with its count ("Cart, 3 items"). */
  cartLink(count?: number) {
    return this.header.getByRole("link", { name: count === undefined ? /^Cart, / : `Cart, ${count} ${count === 1 ? "item" : "items"}` });
  }

  /** From the header's Sign in (or a page's own sign-in button) through the identity provider's page of demo users. */
  async signInAs(user: "alice" | "bob", button: Locator = this.header.getByRole("button", { name: "Sign in" })) {
    await button.click();
    await this.page.getByRole("button", { name: `Sign in as ${user} (customer)` }).click();
  }

  async expectLoaded() {
    await expect(this.page.getByRole("status").filter({ hasText: /^Loading/ })).toHaveCount(0);
  }
}
