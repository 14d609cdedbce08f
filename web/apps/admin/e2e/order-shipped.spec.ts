import { OrderPage } from "./pages/OrderPage";
import { OrdersPage } from "./pages/OrdersPage";
import { placeOrder, shipWhenQueued, stockedSku } from "./support/api";
import { expect, keepScreenshot, test } from "./support/fixtures";

test("an order placed and shipped through the API shows as SHIPPED with its timeline, found by its number and its e-mail", async ({ page }) => {
  const placed = await placeOrder(await stockedSku(), 2);
  const order = await shipWhenQueued(placed.orderId);

  const orders = new OrdersPage(page);
  await orders.goto();
  await orders.filterByStatus("SHIPPED");
  await expect(page.getByRole("row").filter({ hasText: placed.orderNumber })).toContainText("SHIPPED");
  // Found by its number alone (typed without the prefix), and by the customer's e-mail.
  await orders.search(String(Number(placed.orderNumber.slice(4))));
  await expect(orders.rows()).toHaveCount(2);
  await expect(orders.rows().nth(1)).toContainText(placed.orderNumber);
  await orders.search("ALICE@example.com");
  await expect(orders.rows().filter({ hasText: placed.orderNumber })).toBeVisible();
  await orders.openOrder(placed.orderNumber);

  const detail = new OrderPage(page);
  await detail.expectStatus("SHIPPED");
  for (const status of ["PENDING", "RESERVED", "PAID", "AWAITING FULFILMENT", "SHIPPED"]) {
    await expect(detail.timeline.filter({ hasText: status }).first()).toBeVisible();
  }
  await expect(page.getByRole("link", { name: order.shipment!.trackingNumber })).toBeVisible();
  await keepScreenshot(page, "order-shipped");
});
