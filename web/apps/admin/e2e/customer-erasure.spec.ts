import { seriousViolations } from "../../../e2e-support/accessibility";
import { OrderPage } from "./pages/OrderPage";
import { call, endOrdersOf, fulfilment, placeOrder, stockedSku, tokenFor, waitForStatus } from "./support/api";
import { expect, keepScreenshot, test } from "./support/fixtures";

test("an administrator erases a customer's personal data from their ended order", async ({ page }) => {
  const sku = await stockedSku(2);
  // Bob's orders from earlier journeys end first: the erasure then completes at once rather than waiting for them.
  await endOrdersOf("bob");
  await fulfilment("pause");
  try {
    const placed = await placeOrder(sku, 1, "bob");
    await waitForStatus(placed.orderId, "PAID");
    const order = new OrderPage(page);
    await order.goto(placed.orderId);
    await expect(order.customer).toContainText("Bob Marley");
    await expect(order.customer).toContainText("bob@example.com");
    await order.cancel("the customer asked to be forgotten");
    await order.expectStatus("CANCELLED");

    await order.askToEraseCustomer();
    await keepScreenshot(page, "erase-customer-dialog");
    await order.confirmErasure();
    await expect(order.customer.getByRole("status")).toContainText("COMPLETE");
    await expect(order.customer.getByText(/^Personal data erased on \d{1,2} \w{3} \d{4}, \d{2}:\d{2}\./)).toBeVisible();
    await expect(order.customer).not.toContainText("Bob Marley");
    await expect(order.customer).not.toContainText("bob@example.com");
    await expect(order.customer).not.toContainText("1 Main St");
    // The tax records keep the region and the country; the amounts stay.
    await expect(order.customer).toContainText("Erased; kept for tax: IL, US");
    await expect(order.figure("Total")).toHaveText(/^\$\d/);
    await keepScreenshot(page, "order-erased");

    const stored = await call<{ erasedAt?: string; customer: { name: string; email: string } }>(
      "GET",
      `/admin/orders/${placed.orderId}`,
      await tokenFor("root"),
    );
    expect(stored.erasedAt).toBeTruthy();
    expect(stored.customer).toMatchObject({ name: "", email: "" });

    // The order list says so too.
    await page.goto(`/orders?q=${placed.orderNumber}`);
    await expect(page.getByRole("row", { name: new RegExp(placed.orderNumber) })).toContainText("Personal data erased");

    const found = await seriousViolations(page, [["order-erased", `/orders/${placed.orderId}`, `Order ${placed.orderNumber}`]]);
    expect(found, found.join("\n")).toEqual([]);
  } finally {
    await fulfilment("resume");
  }
});
