import { OrderPage } from "./pages/OrderPage";
import { placeOrder } from "./support/api";
import { expect, keepScreenshot, test } from "./support/fixtures";

test("bob sees nothing of alice's order: its page is not found and his orders do not list it", async ({ page, bobPage }) => {
  const alices = await placeOrder("TEE-WHITE-M", 1, "alice");
  // Alice's own page shows it.
  await new OrderPage(page).goto(alices.orderId);

  await bobPage.goto(`/orders/${alices.orderId}`);
  await expect(bobPage.getByRole("heading", { level: 1 })).toHaveText("Order not found");
  await expect(bobPage.getByText(alices.orderNumber)).toHaveCount(0);
  await keepScreenshot(bobPage, "not-found-for-bob");

  await bobPage.goto("/orders");
  await expect(bobPage.getByRole("heading", { level: 1 })).toHaveText("My orders");
  await expect(bobPage.getByRole("status").filter({ hasText: /^Loading/ })).toHaveCount(0);
  await expect(bobPage.getByText(alices.orderNumber)).toHaveCount(0);
});
