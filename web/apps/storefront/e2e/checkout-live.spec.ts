import { CartPage } from "./pages/CartPage";
import { CatalogPage, ProductPage } from "./pages/CatalogPage";
import { CheckoutPage } from "./pages/CheckoutPage";
import { OrderPage } from "./pages/OrderPage";
import { FulfilmentPage } from "../../admin/e2e/pages/FulfilmentPage";
import { SignInPage } from "../../admin/e2e/pages/SignInPage";
import { adminOrder, currentCart, deliver, emptyCurrentCart, waitForStatus } from "./support/api";
import { expect, keepScreenshot, markWindow, sameDocument, SHOP_URL, test } from "./support/fixtures";

/** The admin dashboard of the same local stack. */
const ADMIN_URL = "http://127.0.0.1:3101";

test("a visitor's cart survives a reload and signing in, is paid with Visa, and the order page follows it to shipped (from the dashboard, in another window) and delivered without a reload", async ({
  browser,
}) => {
  // Alice starts without an open cart, so the claimed cart is exactly the visitor's.
  await emptyCurrentCart("alice");
  const context = await browser.newContext({ baseURL: SHOP_URL });
  const page = await context.newPage();

  const catalog = new CatalogPage(page);
  await catalog.goto();
  await catalog.add("Logo mug", 2);
  await keepScreenshot(page, "catalog-added");
  const product = new ProductPage(page);
  await catalog.product("Sticker pack").getByRole("link").click();
  await expect(product.heading).toHaveText("Sticker pack");
  await product.add(1);
  await expect(product.cartLink(3)).toBeVisible();

  const cart = new CartPage(page);
  await product.cartLink(3).click();
  await expect(cart.lines).toHaveCount(2);
  const cartId = await page.evaluate(() => window.localStorage.getItem("order-service.storefront.cartId"));
  expect(cartId, "the anonymous cart's id is kept in localStorage").toMatch(/^[0-9a-f-]{36}$/);

  await page.reload();
  await expect(cart.lines).toHaveCount(2);
  await expect(cart.line("Logo mug").getByLabel("Quantity of Logo mug")).toHaveValue("2");
  await keepScreenshot(page, "cart-after-reload");

  // Sign in from the cart and come back to checkout with the same lines (claimed).
  await cart.signInAs("alice", page.getByRole("button", { name: "Sign in to check out" }));
  const checkout = new CheckoutPage(page);
  await checkout.expectOpen();
  await expect(checkout.summaryLines()).toHaveCount(2);
  await expect(checkout.summaryLines().filter({ hasText: "Logo mug" })).toContainText("× 2");
  await expect(checkout.summaryLines().filter({ hasText: "Sticker pack" })).toContainText("× 1");
  expect(await page.evaluate(() => window.localStorage.getItem("order-service.storefront.cartId")), "the anonymous id is forgotten once claimed").toBeNull();
  const claimed = await currentCart("alice");
  expect(claimed?.lines.map((l) => [l.sku, l.quantity]).sort()).toEqual([
    ["MUG-LOGO", 2],
    ["STICKER-PACK", 1],
  ]);

  await checkout.fillContactAndAddress({ name: "Alice Liddell", email: "alice@example.com", phone: "+1 555 555 0100" });
  await checkout.chooseDelivery("Standard");
  await keepScreenshot(page, "checkout-ready");
  await checkout.pay("Visa");

  const order = new OrderPage(page);
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
  await expect(page.getByText(/^Thank you, Alice!/)).toBeVisible();
  const orderId = order.orderIdFromUrl();
  await markWindow(page);

  // Paid, then waiting to be packed (the local shop fulfils by hand).
  await order.expectStatus("AWAITING_FULFILMENT", "Being packed");
  await expect(order.timeline.filter({ hasText: /^Paid/ })).toHaveCount(1);
  await order.expectLive();
  await keepScreenshot(page, "confirmation-awaiting-fulfilment");

  // An administrator ships it from the dashboard, in another window: the
  // customer's page says so without a reload.
  await waitForStatus(orderId, "AWAITING_FULFILMENT");
  const orderNumber = /ORD-\d+/.exec((await order.heading.textContent()) ?? "")?.[0];
  expect(orderNumber).toBeTruthy();
  const staff = await browser.newContext({ baseURL: ADMIN_URL });
  const dashboard = await staff.newPage();
  const signIn = new SignInPage(dashboard);
  await signIn.goto();
  await signIn.signInAs("root");
  await expect(dashboard.getByRole("heading", { level: 1, name: "Orders" })).toBeVisible();
  const fulfilment = new FulfilmentPage(dashboard);
  await fulfilment.goto();
  await expect(fulfilment.order(orderNumber!)).toBeVisible();
  await fulfilment.ship(orderNumber!);
  await expect(fulfilment.order(orderNumber!)).toHaveCount(0);
  await order.expectStatus("SHIPPED", "Shipped");
  await staff.close();
  const shipped = await adminOrder(orderId);
  await expect(page.getByRole("link", { name: new RegExp(shipped.shipment!.trackingNumber) })).toHaveAttribute("href", shipped.shipment!.trackingUrl);
  expect(await sameDocument(page), "the page changed without a reload").toBe(true);

  // The carrier reports the delivery.
  await deliver(shipped.shipment!.trackingNumber, { location: "Springfield, IL", description: "Left at the front door" });
  await order.expectStatus("DELIVERED", "Delivered");
  await expect(order.timeline.filter({ hasText: "Delivered by the carrier" })).toContainText("Springfield, IL");
  expect(await sameDocument(page), "the page changed without a reload").toBe(true);
  await keepScreenshot(page, "confirmation-delivered");
  await context.close();
});
