import { OrderPage } from "./pages/OrderPage";
import { call, deliver, placeOrder, stockedSku, tokenFor, waitForStatus } from "./support/api";
import { expect, keepScreenshot, test } from "./support/fixtures";

test("an administrator approves and receives a return and sees the refund, on the order and among the payments", async ({ page }) => {
  const sku = await stockedSku();
  const placed = await placeOrder(sku, 2);
  const shipped = await waitForStatus(placed.orderId, "SHIPPED");
  await deliver(shipped.shipment!.trackingNumber);
  await waitForStatus(placed.orderId, "DELIVERED");
  await call("POST", `/orders/${placed.orderId}/returns`, await tokenFor("alice"), {
    lines: [{ sku, quantity: 1 }],
    reason: "too small",
  });

  await page.goto("/returns");
  await page.getByRole("row").filter({ hasText: placed.orderNumber }).getByRole("link", { name: placed.orderNumber }).click();
  const detail = new OrderPage(page);
  const card = detail.returnCard();
  await expect(card).toContainText("REQUESTED");
  await card.getByRole("button", { name: "Approve return" }).click();
  await expect(card).toContainText("APPROVED");
  await card.getByLabel(/1 ×/).selectOption("RESTOCK");
  await card.getByRole("button", { name: "Receive and refund" }).click();
  await expect(card.getByRole("status")).toContainText(/Refunded \$\d/);
  await detail.expectStatus("PARTIALLY_REFUNDED");
  await expect(page.getByRole("region", { name: "Returns" }).getByText(/refunded/).first()).toBeVisible();
  await keepScreenshot(page, "return-refunded");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Payments" }).click();
  await page.getByLabel("Kind").selectOption("refund");
  await page.getByRole("button", { name: "Apply filters" }).click();
  const refund = page.getByRole("row").filter({ hasText: placed.orderNumber }).filter({ hasText: "REFUND" });
  await expect(refund).toContainText("REFUND");
  await expect(refund).toContainText("too small");
  await expect(refund).toContainText(/\$\d+\.\d\d/);
  await keepScreenshot(page, "payments-refund");
});
