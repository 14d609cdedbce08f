import { expect, type Page } from "@playwright/test";
import { ShopPage } from "./ShopPage";

export class CheckoutPage extends ShopPage {
  constructor(page: Page) {
    super(page);
  }

  async expectOpen() {
    await expect(this.page).toHaveURL(/\/checkout$/);
    await expect(this.heading).toHaveText("Checkout");
    await this.expectLoaded();
  }

  /** The order summary's lines ("Logo mug × 2"). */
  summaryLines() {
    return this.page.getByRole("complementary").getByRole("list", { name: "Items" }).getByRole("listitem");
  }

  /** Fills contact and shipping address (opening the form again when the cart already has an address). */
  async fillContactAndAddress(contact: { name: string; email: string; phone?: string }) {
    const form = this.page.getByRole("form", { name: "Contact and shipping address" });
    const change = this.page.getByRole("button", { name: "Change contact and shipping address" });
    await expect(form.or(change)).toBeVisible();
    if (await change.isVisible()) await change.click();
    await form.getByLabel("Full name").fill(contact.name);
    await form.getByLabel("E-mail").fill(contact.email);
    if (contact.phone) await form.getByLabel("Phone (optional)").fill(contact.phone);
    await form.getByLabel("Street address").fill("1 Main St");
    await form.getByLabel("City").fill("Springfield");
    await form.getByLabel("State or region (optional)").fill("IL");
    await form.getByLabel("Postal code").fill("62701");
    await form.getByLabel("Country").selectOption("US");
    await form.getByRole("button", { name: "Continue to delivery" }).click();
    await expect(this.page.getByRole("button", { name: /^Change/ })).toBeVisible();
  }

  async chooseDelivery(name: "Standard" | "Express") {
    const option = this.page.getByRole("radio", { name: new RegExp(`^${name}\\b`) });
    await option.check();
    await expect(option).toBeChecked();
    await expect(this.page.getByRole("complementary").getByRole("term").filter({ hasText: name })).toBeVisible();
  }

  async pay(method: string) {
    await this.page.getByRole("radio", { name: new RegExp(`^${method}`) }).check();
    await this.page.getByRole("button", { name: /^Place order/ }).click();
  }
}
