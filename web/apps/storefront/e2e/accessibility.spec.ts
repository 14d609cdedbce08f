import { seriousViolations } from "../../../e2e-support/accessibility";
import { deliver, emptyCurrentCart, placeOrder, shipWhenQueued, waitForStatus } from "./support/api";
import { expect, test } from "./support/fixtures";
import { CatalogPage } from "./pages/CatalogPage";

test("no storefront page has a serious or critical accessibility violation", async ({ page }) => {
  const waiting = await placeOrder("TEE-BLACK-M", 1, "alice");
  const delivered = await placeOrder("STICKER-PACK", 3, "alice");
  await waitForStatus(waiting.orderId, "AWAITING_FULFILMENT");
  const shipped = await shipWhenQueued(delivered.orderId);
  await deliver(shipped.shipment!.trackingNumber);
  await waitForStatus(delivered.orderId, "DELIVERED");
  await emptyCurrentCart("alice");
  // A cart to show on the cart and checkout pages.
  const catalog = new CatalogPage(page);
  await catalog.goto();
  await catalog.add("Logo mug", 1);

  const pages = [
    ["catalog", "/", "Shop"],
    ["product", "/products/HOODIE-GREY-L", "Grey hoodie (L)"],
    ["cart", "/cart", "Your cart"],
    ["checkout", "/checkout", "Checkout"],
    ["confirmation", `/orders/${waiting.orderId}`, `Order ${waiting.orderNumber}`],
    ["my-orders", "/orders", "My orders"],
    ["order-delivered", `/orders/${delivered.orderId}`, `Order ${delivered.orderNumber}`],
    ["not-found", "/no-such-page", "Page not found"],
    ["order-not-found", "/orders/00000000-0000-7000-8000-000000000000", "Order not found"],
  ] as const;

  const found = await seriousViolations(page, pages);
  // A phone-sized screen too.
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [name, path] of [["catalog-phone", "/"], ["checkout-phone", "/checkout"]] as const) {
    await page.goto(path);
    await expect(page.getByRole("status").filter({ hasText: /^Loading/ })).toHaveCount(0);
    await page.screenshot({ path: test.info().outputPath(`page-${name}.png`), fullPage: true });
  }
  expect(found, found.join("\n")).toEqual([]);
});
