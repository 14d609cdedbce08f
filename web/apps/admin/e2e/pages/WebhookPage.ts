import { expect, type Locator, type Page } from "@playwright/test";
import { Shell } from "./Shell";

/** One webhook subscription: its state switch, secret rotation, settings, deliveries and deletion. */
export class WebhookPage extends Shell {
  readonly heading: Locator;
  readonly activeSwitch: Locator;
  readonly deliveries: Locator;
  readonly dialog: Locator;

  constructor(page: Page) {
    super(page);
    this.heading = page.getByRole("heading", { level: 1 });
    this.activeSwitch = page.getByRole("switch", { name: "Active" });
    this.deliveries = page.getByRole("table", { name: "Recent deliveries" });
    this.dialog = page.getByRole("dialog");
  }

  async goto(webhookId: string) {
    await this.page.goto(`/webhooks/${webhookId}`);
    await expect(this.heading).toContainText("Webhook ");
  }

  async expectState(state: "ACTIVE" | "PAUSED" | "FAILING") {
    await expect(this.heading).toContainText(state);
  }

  /**
   * A delivery's rows, found by its event id (the `webhook-id` the receiver
   * got): the delivery's own row and, when opened, its attempts.
   */
  delivery(eventId: string) {
    return this.deliveries.locator("tbody").filter({ hasText: eventId });
  }

  /** A delivery's attempts table (opened first). */
  async attempts(eventId: string) {
    const delivery = this.delivery(eventId);
    const toggle = delivery.getByRole("button", { name: /attempts$/ });
    if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
    return this.page.getByRole("table", { name: `Attempts of event ${eventId}` });
  }

  async redeliver(eventId: string) {
    await this.delivery(eventId).getByRole("button", { name: "Redeliver" }).click();
  }

  /** Opens the rotation's confirmation and checks that it explains the 24 hours of two signatures. */
  async askToRotateSecret() {
    await this.page.getByRole("button", { name: "Rotate secret" }).click();
    await expect(this.dialog).toContainText("For 24 hours every delivery carries two signatures");
  }

  async confirmRotation() {
    await this.dialog.getByRole("button", { name: "Rotate secret" }).click();
    await expect(this.dialog).toBeHidden();
  }

  async delete() {
    await this.page.getByRole("button", { name: "Delete webhook" }).click();
    await expect(this.dialog).toContainText("This cannot be undone.");
    await this.dialog.getByRole("button", { name: "Delete webhook" }).click();
  }
}
