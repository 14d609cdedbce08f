import { OrderPage } from "./pages/OrderPage";
import { StockPage } from "./pages/StockPage";
import { availableOf, fulfilment, placeOrder, stockedSku, waitForStatus } from "./support/api";
import { expect, keepScreenshot, test } from "./support/fixtures";

test("an administrator cancels a paid order and its stock returns", async ({ page }) => {
  const sku = await stockedSku(3);
  const before = await availableOf(sku);
  await fulfilment("pause");
  try {
    const placed = await placeOrder(sku, 2);
    await waitForStatus(placed.orderId, "PAID");
    expect(await availableOf(sku)).toBe(before - 2);

    const detail = new OrderPage(page);
    await detail.goto(placed.orderId);
    await detail.expectStatus("PAID");
    await detail.cancel("customer asked by phone");
    await detail.expectStatus("CANCELLED");
    await expect(detail.timeline.filter({ hasText: "CANCELLED" })).toBeVisible();
    await keepScreenshot(page, "order-cancelled");

    const stock = new StockPage(page);
    await stock.goto(sku);
    await expect(stock.available).toHaveText(String(before));
    await keepScreenshot(page, "stock-returned");
  } finally {
    await fulfilment("resume");
  }
});
