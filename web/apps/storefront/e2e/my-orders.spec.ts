import { OrderPage } from "./pages/OrderPage";
import { deliver, placeOrder, shipWhenQueued, waitForStatus } from "./support/api";
import { expect, keepScreenshot, test } from "./support/fixtures";

test("my orders lists the orders; one is cancelled before it ships and a delivered one is returned", async ({ page }) => {
  const waiting = await placeOrder("TEE-BLACK-M", 1, "alice");
  const delivered = await placeOrder("MUG-LOGO", 2, "alice");
  await waitForStatus(waiting.orderId, "AWAITING_FULFILMENT");
  const shipped = await shipWhenQueued(delivered.orderId);
  await deliver(shipped.shipment!.trackingNumber);
  await waitForStatus(delivered.orderId, "DELIVERED");

  await page.goto("/orders");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("My orders");
  const list = page.getByRole("list", { name: "Orders" }).getByRole("listitem");
  const waitingCard = list.filter({ hasText: waiting.orderNumber });
  await expect(waitingCard).toContainText("Being packed");
  await expect(list.filter({ hasText: delivered.orderNumber })).toContainText("Delivered");
  await keepScreenshot(page, "my-orders");

  // Cancel the one still waiting to be packed.
  await waitingCard.getByRole("link", { name: `Order ${waiting.orderNumber}` }).click();
  const order = new OrderPage(page);
  await order.expectStatus("AWAITING_FULFILMENT", "Being packed");
  await page.getByRole("button", { name: "Cancel order" }).click();
  await page.getByLabel("Reason (optional)").fill("ordered the wrong size");
  await page.getByRole("button", { name: "Confirm cancellation" }).click();
  await order.expectStatus("CANCELLED", "Cancelled");
  await expect(page.getByRole("button", { name: "Cancel order" })).toHaveCount(0);
  await expect(order.timeline.filter({ hasText: /^Cancelled/ })).toContainText("ordered the wrong size");

  // Return one of the two mugs of the delivered one.
  await page.getByRole("link", { name: "My orders" }).first().click();
  await list.filter({ hasText: delivered.orderNumber }).getByRole("link").click();
  await order.expectStatus("DELIVERED", "Delivered");
  await page.getByRole("button", { name: "Return items" }).click();
  const form = page.getByRole("form", { name: "Return items" });
  await form.getByLabel(/^Logo mug/).selectOption("1");
  await form.getByLabel("Why are you returning them?").fill("one arrived chipped");
  await form.getByRole("button", { name: "Request return" }).click();
  const returns = page.getByRole("list", { name: "Your returns" }).getByRole("listitem");
  await expect(returns).toHaveCount(1);
  await expect(returns.first()).toContainText("Return requested");
  await expect(returns.first()).toContainText("Logo mug × 1");
  await keepScreenshot(page, "return-requested");
});
