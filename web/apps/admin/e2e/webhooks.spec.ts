import { seriousViolations } from "../../../e2e-support/accessibility";
import { StockPage } from "./pages/StockPage";
import { WebhookPage } from "./pages/WebhookPage";
import { WebhooksPage } from "./pages/WebhooksPage";
import { adjustStock, stockedSku } from "./support/api";
import { expect, keepScreenshot, test } from "./support/fixtures";
import { header, signedBy, startReceiver, type Receiver, type ReceivedRequest } from "./support/receiver";

let receiver: Receiver;

test.beforeAll(async () => {
  receiver = await startReceiver();
});

test.afterAll(async () => {
  await receiver.close();
});

/** What the receiver got about the stock movement with this (unique) reason. */
function eventsAbout(reason: string): ReceivedRequest[] {
  return receiver.received.filter((r) => r.method === "POST" && r.path === "/hook" && r.body.includes(reason));
}

/** Waits until the receiver got `count` requests about the stock movement with this reason. */
async function received(reason: string, count = 1): Promise<ReceivedRequest[]> {
  await expect.poll(() => eventsAbout(reason).length, { timeout: 30_000, intervals: [250, 500] }).toBeGreaterThanOrEqual(count);
  return eventsAbout(reason);
}

test("a receiver subscribed to stock changes gets them signed, and the dashboard shows and redelivers each delivery", async ({ page }) => {
  const stamp = Date.now().toString(36);
  const url = `${receiver.origin}/hook`;
  const sku = await stockedSku(1);

  // Subscribe: the signing secret is shown once.
  const hooks = new WebhooksPage(page);
  await page.goto("/orders");
  await hooks.open("Webhooks");
  await page.getByRole("link", { name: "New webhook" }).click();
  await hooks.fill({ url, description: `Stock feed ${stamp}`, eventTypes: ["StockAdjusted"] });
  await hooks.create();
  await expect(hooks.secret).toHaveValue(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
  await expect(page.getByText("Copy the secret now: it will not be shown again.")).toBeVisible();
  const secret = await hooks.secret.inputValue();
  await keepScreenshot(page, "webhook-created-secret");
  await page.getByRole("link", { name: /open the webhook/ }).click();
  const webhook = new WebhookPage(page);
  await webhook.expectState("ACTIVE");
  await expect(webhook.heading).toContainText(receiver.origin.replace("http://", ""));
  const webhookId = new URL(page.url()).pathname.split("/").pop()!;
  // The secret is not shown again.
  await expect(hooks.secret).toHaveCount(0);
  await expect(page.getByRole("main")).not.toContainText(secret);

  // Cause an event: receive stock on the dashboard's stock page.
  const reason = `webhook journey ${stamp}`;
  const stock = new StockPage(page);
  await stock.goto(sku);
  await stock.receive(1, reason);
  await expect(page.getByRole("status").filter({ hasText: "Received 1." })).toBeVisible();

  // The receiver got it once, signed as the Standard Webhooks specification says.
  const [first] = await received(reason);
  const eventId = header(first!, "webhook-id");
  expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
  expect(header(first!, "webhook-timestamp")).toMatch(/^\d+$/);
  expect(Math.abs(Date.now() / 1000 - Number(header(first!, "webhook-timestamp")))).toBeLessThan(300);
  expect(header(first!, "webhook-signature")).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
  expect(signedBy(first!, secret)).toBe(true);
  expect(signedBy({ ...first!, body: first!.body.replace(reason, `${reason}!`) }, secret)).toBe(false);
  expect(JSON.parse(first!.body)).toMatchObject({ id: eventId, type: "StockAdjusted", sku, data: { delta: 1, reason } });

  // The delivery, as the dashboard shows it.
  await webhook.goto(webhookId);
  const delivery = webhook.delivery(eventId);
  await expect(delivery).toContainText("StockAdjusted");
  await expect(delivery).toContainText("DELIVERED");
  await expect(delivery).toContainText("1 attempt");
  await expect(delivery).toContainText("last HTTP 200");
  const attempts = await webhook.attempts(eventId);
  await expect(attempts.getByRole("row").nth(1)).toContainText("200");
  await keepScreenshot(page, "webhook-delivered");

  // Redeliver: the receiver gets the same webhook-id again.
  await webhook.redeliver(eventId);
  await expect(delivery.getByRole("status")).toContainText("Queued again");
  const again = await received(reason, 2);
  expect(again.map((r) => header(r, "webhook-id"))).toEqual([eventId, eventId]);
  expect(signedBy(again[1]!, secret)).toBe(true);
  await expect(delivery).toContainText("2 attempts");
  await expect(delivery).toContainText("DELIVERED");

  // Rotate the secret: the new one is shown once, and for a day both sign.
  await webhook.askToRotateSecret();
  await keepScreenshot(page, "webhook-rotate-dialog");
  await webhook.confirmRotation();
  await expect(page.getByRole("heading", { name: "New signing secret" })).toBeFocused();
  await expect(page.getByText(/keeps signing every delivery, beside this one, until/)).toBeVisible();
  const rotated = await hooks.secret.inputValue();
  expect(rotated).not.toBe(secret);
  await keepScreenshot(page, "webhook-secret-rotated");
  const afterRotation = `webhook journey ${stamp} rotated`;
  await adjustStock(sku, 1, afterRotation);
  const [signedTwice] = await received(afterRotation);
  expect(header(signedTwice!, "webhook-signature").split(" ")).toHaveLength(2);
  expect(signedBy(signedTwice!, rotated)).toBe(true);
  expect(signedBy(signedTwice!, secret)).toBe(true);

  const found = await seriousViolations(page, [
    ["webhooks-list", "/webhooks", "Webhooks"],
    ["webhook-new", "/webhooks/new", "New webhook"],
    ["webhook", `/webhooks/${webhookId}`, `Webhook ${new URL(url).host}`],
  ]);
  expect(found, found.join("\n")).toEqual([]);

  // Pause: no more events go out, and the list says so.
  await webhook.goto(webhookId);
  await webhook.activeSwitch.click();
  await expect(webhook.activeSwitch).toHaveAttribute("aria-checked", "false");
  await webhook.expectState("PAUSED");
  const whilePaused = `webhook journey ${stamp} paused`;
  await adjustStock(sku, -1, whilePaused);
  await hooks.goto();
  await expect(hooks.row(url)).toContainText("PAUSED");
  await keepScreenshot(page, "webhooks-list");
  // A delivery takes well under a second here; three leave time for one that should not come.
  await page.waitForTimeout(3_000);
  expect(eventsAbout(whilePaused)).toEqual([]);

  // Delete: it leaves the list.
  await hooks.row(url).getByRole("link", { name: url }).click();
  await webhook.delete();
  await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: `The webhook to ${url} was deleted.` })).toBeVisible();
  await expect(page.getByRole("link", { name: url, exact: true })).toHaveCount(0);
});

test("a URL that resolves to a private address is refused, with the service's reason on the field", async ({ page }) => {
  const hooks = new WebhooksPage(page);
  await hooks.gotoNew();
  await hooks.fill({ url: "https://10.0.0.1/hook", eventTypes: ["OrderPlaced", "StockAdjusted"] });
  await hooks.create();
  await expect(hooks.url).toHaveAttribute("aria-invalid", "true");
  await expect(hooks.url).toHaveAccessibleDescription(/resolves to a private address \(10\.0\.0\.1\)/);
  await expect(hooks.url).toBeFocused();
  await expect(hooks.secret).toHaveCount(0);
  await keepScreenshot(page, "webhook-url-refused");
  await hooks.goto();
  await expect(page.getByRole("link", { name: "https://10.0.0.1/hook", exact: true })).toHaveCount(0);
});
