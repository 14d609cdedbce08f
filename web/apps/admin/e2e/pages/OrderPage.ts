import { expect, type Locator, type Page } from "@playwright/test";
import { Shell } from "./Shell";

export class OrderPage extends Shell {
  readonly heading: Locator;
  readonly timeline: Locator;
  /** The timeline's lines that are the carrier's events. */
  readonly carrierEvents: Locator;
  /** The customer's card: contact, addresses, and the erasure of their personal data. */
  readonly customer: Locator;

  constructor(page: Page) {
    super(page);
    this.customer = page.getByRole("region", { name: "Customer" });
    this.heading = page.getByRole("heading", { level: 1 });
    this.timeline = page.getByRole("region", { name: "Timeline" }).getByRole("listitem");
    this.carrierEvents = this.timeline.filter({ hasText: /^Carrier\b/ });
  }

  async goto(orderId: string) {
    await this.page.goto(`/orders/${orderId}`);
    await expect(this.heading).toContainText("Order ORD-");
  }

  async expectStatus(status: string) {
    await expect(this.heading).toContainText(status.replaceAll("_", " "));
  }

  async downloadLabel() {
    const download = this.page.waitForEvent("download");
    await this.page.getByRole("button", { name: "Download label" }).click();
    return download;
  }

  async cancel(reason: string) {
    await this.page.getByRole("button", { name: "Cancel order" }).click();
    await this.page.getByLabel("Reason (optional)").fill(reason);
    await this.page.getByRole("button", { name: "Confirm cancellation" }).click();
  }

  /** Opens the confirmation of the customer's erasure and checks what it explains; answers the dialog. */
  async askToEraseCustomer() {
    await this.customer.getByRole("button", { name: "Erase personal data" }).click();
    const dialog = this.page.getByRole("dialog", { name: "Erase this customer's personal data?" });
    await expect(dialog).toContainText("removes the name, e-mail, phone and addresses");
    await expect(dialog).toContainText("orders, carts and webhook deliveries");
    await expect(dialog).toContainText("Orders still in progress are erased when they end.");
    await expect(dialog).toContainText("This cannot be undone.");
    // The safe choice has the focus.
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    return dialog;
  }

  async confirmErasure() {
    const dialog = this.page.getByRole("dialog", { name: "Erase this customer's personal data?" });
    await dialog.getByRole("button", { name: "Erase personal data" }).click();
    await expect(dialog).toBeHidden();
  }

  /** The figure beside a term of the order's totals ("Subtotal", "Total"; a pattern for "Shipping …", "Tax (incl.)"). */
  figure(term: string | RegExp) {
    const exact = typeof term === "string" ? new RegExp(`^${term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) : term;
    return this.page
      .getByRole("region", { name: "Items" })
      .getByRole("term")
      .filter({ hasText: exact })
      .locator("xpath=following-sibling::dd[1]");
  }

  /** The order's line for a SKU. */
  line(sku: string) {
    return this.page.getByRole("table", { name: "Order lines" }).getByRole("row").filter({ hasText: sku });
  }

  returnCard(index = 0) {
    return this.page.getByRole("article").nth(index);
  }
}
