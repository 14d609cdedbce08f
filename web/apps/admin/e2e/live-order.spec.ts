import { OrderPage } from "./pages/OrderPage";
import { OrdersPage } from "./pages/OrdersPage";
import { deliver, placeOrder, shipOrder, stockedSku, waitForStatus } from "./support/api";
import { expect, keepScreenshot, test } from "./support/fixtures";

test("the order page and the orders list change live when the order ships and is delivered, without a reload", async ({ page }) => {
  const placed = await placeOrder(await stockedSku(), 1);
  await waitForStatus(placed.orderId, "AWAITING_FULFILMENT");

  const order = new OrderPage(page);
  await order.goto(placed.orderId);
  await order.expectStatus("AWAITING_FULFILMENT");
  await page.evaluate(() => {
    (window as unknown as { __sameDocument?: boolean }).__sameDocument = true;
  });
  const sameDocument = () => page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);

  const shipped = await shipOrder(placed.orderId);
  await order.expectStatus("SHIPPED");
  await expect(page.getByRole("link", { name: new RegExp(shipped.shipment!.trackingNumber) })).toBeVisible();
  expect(await sameDocument(), "the page changed without a reload").toBe(true);
  await keepScreenshot(page, "live-shipped");

  // The list too: open it (client-side), then the carrier delivers.
  await new OrdersPage(page).open("Orders");
  const row = page.getByRole("row").filter({ hasText: placed.orderNumber });
  await expect(row).toContainText("SHIPPED");
  await deliver(shipped.shipment!.trackingNumber);
  await expect(row).toContainText("DELIVERED");
  expect(await sameDocument(), "the list changed without a reload").toBe(true);
});
