import { seriousViolations } from "../../../e2e-support/accessibility";
import { call, placeOrder, shipWhenQueued, stockedSku, tokenFor, waitForStatus } from "./support/api";
import { expect, test } from "./support/fixtures";

test("no dashboard page has a serious or critical accessibility violation", async ({ page }) => {
  // Two dozen pages, each opened, kept as a screenshot and analysed: more than the default minute on a busy machine.
  test.setTimeout(180_000);
  const sku = await stockedSku();
  const placed = await placeOrder(sku, 1);
  await shipWhenQueued(placed.orderId);
  // One left waiting, so the queue and the pick list have something to show.
  const waiting = await placeOrder(sku, 1, "bob");
  await waitForStatus(waiting.orderId, "AWAITING_FULFILMENT");
  const code = `A11Y${Date.now().toString(36).toUpperCase()}`;
  await call("POST", "/admin/promotions", await tokenFor("root"), { code, description: "Ten off", type: "PERCENTAGE", percentOff: 10, usageLimit: 5 });
  const shipping = await call<{ items: { optionId: string; name: string }[] }>("GET", "/admin/shipping-options", await tokenFor("root"));
  const standard = shipping.items.find((o) => o.name === "Standard")!;

  const pages = [
    ["orders", "/orders", "Orders"],
    ["fulfilment", "/fulfilment", "Fulfilment"],
    ["pick-list", "/fulfilment/pick-list", "Pick list"],
    ["order", `/orders/${placed.orderId}`, `Order ${placed.orderNumber}`],
    ["order-waiting", `/orders/${waiting.orderId}`, `Order ${waiting.orderNumber}`],
    ["payments", "/payments", "Payments"],
    ["returns", "/returns", "Returns"],
    ["inventory", "/inventory", "Inventory"],
    ["stock", `/inventory/${sku}`, `Stock of ${sku}`],
    ["products", "/products", "Products"],
    ["product-new", "/products/new", "New product"],
    ["product-edit", `/products/${sku}`, `Product ${sku}`],
    ["promotions", "/promotions", "Promotions"],
    ["promotion-new", "/promotions/new", "New promotion"],
    ["promotion-edit", `/promotions/${code}`, `Promotion ${code}`],
    ["shipping-options", "/shipping-options", "Shipping options"],
    ["shipping-option-new", "/shipping-options/new", "New shipping option"],
    ["shipping-option-edit", `/shipping-options/${standard.optionId}`, "Shipping option Standard"],
    ["tax-rates", "/tax-rates", "Tax rates"],
    ["reports", "/reports", "Reports"],
    ["settings", "/settings", "Settings"],
    ["webhooks", "/webhooks", "Webhooks"],
    ["webhook-new", "/webhooks/new", "New webhook"],
  ] as const;

  const found = await seriousViolations(page, pages);
  expect(found, found.join("\n")).toEqual([]);
});
