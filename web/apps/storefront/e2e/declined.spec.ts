import { CheckoutPage } from "./pages/CheckoutPage";
import { ProductPage } from "./pages/CatalogPage";
import { OrderPage } from "./pages/OrderPage";
import { adminOrder, currentCart, emptyCurrentCart } from "./support/api";
import { expect, keepScreenshot, test } from "./support/fixtures";

test("a card declined for insufficient funds says why, and trying again builds a new cart with the same lines", async ({ page }) => {
  await emptyCurrentCart("alice");
  const product = new ProductPage(page);
  await product.goto("CAP-NAVY", "Navy cap");
  await product.add(2);
  await product.cartLink(2).click();
  await page.getByRole("link", { name: "Check out" }).click();

  const checkout = new CheckoutPage(page);
  await checkout.expectOpen();
  await checkout.fillContactAndAddress({ name: "Alice Liddell", email: "alice@example.com" });
  await checkout.chooseDelivery("Express");
  await checkout.pay("Insufficient funds");

  const order = new OrderPage(page);
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
  const orderId = order.orderIdFromUrl();
  await order.expectStatus("PAYMENT_FAILED", "Payment failed");
  await expect(order.status).toContainText("Your payment was declined: Your card has insufficient funds.");
  await keepScreenshot(page, "payment-failed");

  await order.status.getByRole("button", { name: "Try again" }).click();
  await checkout.expectOpen();
  await expect(checkout.summaryLines()).toHaveCount(1);
  await expect(checkout.summaryLines().first()).toContainText("Navy cap");
  await expect(checkout.summaryLines().first()).toContainText("× 2");
  const failed = await adminOrder(orderId);
  const again = await currentCart("alice");
  expect(again?.cartId, "a new cart").not.toBe(failed.cartId);
  expect(again?.lines.map((l) => [l.sku, l.quantity])).toEqual([["CAP-NAVY", 2]]);
  await keepScreenshot(page, "try-again-checkout");
});
