import { FulfilmentPage } from "./pages/FulfilmentPage";
import { OrderPage } from "./pages/OrderPage";
import { drainFulfilmentQueue, placeOrder, placeOrderOf, waitForStatus } from "./support/api";
import { expect, keepScreenshot, test } from "./support/fixtures";

test("an administrator ships an order from the fulfilment queue and the order page shows it SHIPPED", async ({ page }) => {
  const placed = await placeOrder("CAP-NAVY", 1, "bob", { shippingOption: "Express" });
  await waitForStatus(placed.orderId, "AWAITING_FULFILMENT");

  const queue = new FulfilmentPage(page);
  await queue.goto();
  const card = queue.order(placed.orderNumber);
  await expect(card).toContainText("1 × Navy cap (CAP-NAVY)");
  await expect(card).toContainText("Bob Marley");
  await expect(card).toContainText("62701 Springfield, IL");
  await expect(card).toContainText("Express · Express Air");
  await keepScreenshot(page, "fulfilment-queue");

  await queue.ship(placed.orderNumber);
  await expect(page.getByRole("status").filter({ hasText: `${placed.orderNumber} shipped with` })).toBeVisible();
  await expect(card).toHaveCount(0);

  await page.getByRole("link", { name: placed.orderNumber }).click();
  const order = new OrderPage(page);
  await order.expectStatus("SHIPPED");
  await expect(order.timeline.filter({ hasText: "AWAITING FULFILMENT" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Shipment" })).toContainText("Local Carrier");
  await expect(page.getByRole("button", { name: "Download label" })).toBeVisible();
  await keepScreenshot(page, "order-shipped-from-queue");
});

test("an administrator ships an order handed to another carrier from its order page", async ({ page }) => {
  const placed = await placeOrder("STICKER-PACK", 2);
  await waitForStatus(placed.orderId, "AWAITING_FULFILMENT");
  const order = new OrderPage(page);
  await order.goto(placed.orderId);
  await order.expectStatus("AWAITING_FULFILMENT");
  const form = page.getByRole("form", { name: `Ship ${placed.orderNumber}` });
  await form.getByLabel("Handed to another carrier").check();
  await form.getByLabel("Carrier", { exact: true }).fill("Parcel Co");
  await form.getByLabel("Tracking number").fill("PC-12345");
  await form.getByLabel("Tracking page").fill("not a page");
  await form.getByRole("button", { name: "Ship with this carrier" }).click();
  await expect(form.getByText("An http(s) address, like https://track.example/1Z999")).toBeVisible();
  await keepScreenshot(page, "ship-other-carrier-refused");
  await form.getByLabel("Tracking page").fill("https://track.parcel.example/PC-12345");
  await form.getByRole("button", { name: "Ship with this carrier" }).click();
  await order.expectStatus("SHIPPED");
  const shipment = page.getByRole("region", { name: "Shipment" });
  await expect(shipment).toContainText("Parcel Co");
  await expect(shipment.getByRole("link", { name: /PC-12345/ })).toHaveAttribute("href", "https://track.parcel.example/PC-12345");
  await keepScreenshot(page, "order-shipped-other-carrier");
});

test("the pick list adds up the queued orders' units per SKU and names their orders, and prints without the dashboard around it", async ({ page }) => {
  await drainFulfilmentQueue();
  const first = await placeOrderOf([
    { sku: "MUG-LOGO", quantity: 2 },
    { sku: "STICKER-PACK", quantity: 1 },
  ]);
  const second = await placeOrderOf(
    [
      { sku: "MUG-LOGO", quantity: 1 },
      { sku: "TEE-WHITE-M", quantity: 1 },
    ],
    "bob",
  );
  await waitForStatus(first.orderId, "AWAITING_FULFILMENT");
  await waitForStatus(second.orderId, "AWAITING_FULFILMENT");

  const queue = new FulfilmentPage(page);
  await queue.goto();
  // Oldest first.
  await expect(queue.orders()).toHaveCount(2);
  await expect(queue.orders().nth(0)).toContainText(first.orderNumber);
  await expect(queue.orders().nth(1)).toContainText(second.orderNumber);
  await queue.openPickList();

  const rows = page.getByRole("table", { name: "Pick list" }).getByRole("row");
  await expect(rows).toHaveCount(5); // header, three SKUs, total
  await expect(queue.pickListRow("MUG-LOGO")).toContainText("Logo mug");
  await expect(queue.pickListRow("MUG-LOGO").getByRole("cell").nth(1)).toHaveText("3");
  await expect(queue.pickListRow("MUG-LOGO")).toContainText(`${first.orderNumber}, ${second.orderNumber}`);
  await expect(queue.pickListRow("STICKER-PACK").getByRole("cell").nth(1)).toHaveText("1");
  await expect(queue.pickListRow("STICKER-PACK")).toContainText(first.orderNumber);
  await expect(queue.pickListRow("TEE-WHITE-M").getByRole("cell").nth(1)).toHaveText("1");
  await expect(queue.pickListRow("TEE-WHITE-M")).toContainText(second.orderNumber);
  await expect(rows.last()).toHaveText(/^Total\s*5\s*2 orders/);
  await keepScreenshot(page, "pick-list");

  await page.emulateMedia({ media: "print" });
  await expect(queue.nav).toBeHidden();
  await expect(page.getByRole("button", { name: "Print" })).toBeHidden();
  await expect(page.getByRole("table", { name: "Pick list" })).toBeVisible();
  await keepScreenshot(page, "pick-list-print");
  await page.emulateMedia({ media: "screen" });
});
