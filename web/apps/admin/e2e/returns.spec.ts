import { OrderPage } from "./pages/OrderPage";
import { call, carrierEvent, deliver, placeOrder, shipWhenQueued, tokenFor, waitForStatus } from "./support/api";
import { expect, keepScreenshot, test } from "./support/fixtures";

test("an administrator approves and receives a return, refunding shipping too, and sees the refund on the order and among the payments", async ({ page }) => {
  // Two tees to Springfield, IL, by Standard (440 g: $5.00), taxed at 7.25 %:
  // the line $50.00 + $3.63 (3.625 rounded half away from zero), shipping $5.00 + $0.36.
  const sku = "TEE-BLACK-M";
  const placed = await placeOrder(sku, 2, "alice", { shippingOption: "Standard" });
  expect(placed.total).toEqual({ amount: 5899, currency: "USD" });
  const shipped = await shipWhenQueued(placed.orderId);
  const trackingNumber = shipped.shipment!.trackingNumber;
  await carrierEvent(trackingNumber, { type: "out_for_delivery", location: "Springfield depot", description: "With the courier" });
  await deliver(trackingNumber, { location: "Springfield, IL", description: "Left at the front door" });
  await waitForStatus(placed.orderId, "DELIVERED");
  await call("POST", `/orders/${placed.orderId}/returns`, await tokenFor("alice"), {
    lines: [{ sku, quantity: 1 }],
    reason: "too small",
  });

  await page.goto("/returns");
  await page.getByRole("row").filter({ hasText: placed.orderNumber }).getByRole("link", { name: placed.orderNumber }).click();
  const detail = new OrderPage(page);
  // The carrier's events stand in the timeline beside the statuses, by time, marked as the carrier's.
  const outForDelivery = detail.carrierEvents.filter({ hasText: "Out for delivery" });
  await expect(outForDelivery).toContainText("Carrier");
  await expect(outForDelivery).toContainText("Springfield depot");
  await expect(outForDelivery).toContainText("With the courier");
  await expect(detail.carrierEvents.filter({ hasText: "Left at the front door" })).toContainText("Delivered");
  const lines = await detail.timeline.allTextContents();
  const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
  expect(at(/^SHIPPED/)).toBeGreaterThanOrEqual(0);
  expect(at(/Out for delivery/)).toBeGreaterThan(at(/^SHIPPED/));
  expect(at(/Left at the front door/)).toBeGreaterThan(at(/Out for delivery/));
  expect(at(/^DELIVERED/)).toBeGreaterThan(at(/Left at the front door/));
  await detail.carrierEvents.first().scrollIntoViewIfNeeded();
  await keepScreenshot(page, "order-carrier-events");

  const card = detail.returnCard();
  await expect(card).toContainText("REQUESTED");
  await card.getByRole("button", { name: "Approve return" }).click();
  await expect(card).toContainText("APPROVED");
  await card.getByLabel(/1 ×/).selectOption("RESTOCK");
  await card.getByLabel("Refund shipping too").check();
  await card.getByRole("button", { name: "Receive and refund" }).click();
  // One tee carries floor(53.63 / 2) = $26.81 of it ($1.81 of tax); shipping with its tax is $5.36.
  await expect(card.getByRole("status")).toHaveText("Refunded $32.17");
  await detail.expectStatus("PARTIALLY_REFUNDED");
  const refunds = page.getByRole("region", { name: "Returns" }).getByRole("listitem").filter({ hasText: "refunded" });
  await expect(refunds).toContainText("$32.17");
  await expect(refunds).toContainText("(of which tax $2.17, shipping $5.36)");
  await keepScreenshot(page, "return-refunded");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Payments" }).click();
  await page.getByLabel("Kind").selectOption("refund");
  await page.getByRole("button", { name: "Apply filters" }).click();
  const refund = page.getByRole("row").filter({ hasText: placed.orderNumber }).filter({ hasText: "REFUND" });
  await expect(refund).toContainText("REFUND");
  await expect(refund).toContainText("too small");
  await expect(refund).toContainText("$32.17");
  await keepScreenshot(page, "payments-refund");
});
