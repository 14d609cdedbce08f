import { readFileSync } from "node:fs";
import { OrderPage } from "./pages/OrderPage";
import { placeOrder, shipWhenQueued, stockedSku } from "./support/api";
import { expect, keepScreenshot, test } from "./support/fixtures";

test("an administrator downloads a shipped order's label as a PDF", async ({ page }) => {
  const placed = await placeOrder(await stockedSku(), 1);
  await shipWhenQueued(placed.orderId);
  const detail = new OrderPage(page);
  await detail.goto(placed.orderId);
  const download = await detail.downloadLabel();
  expect(download.suggestedFilename()).toBe(`label-${placed.orderNumber}.pdf`);
  const bytes = readFileSync(await download.path());
  expect(bytes.subarray(0, 4).toString("latin1")).toBe("%PDF");
  await keepScreenshot(page, "label-downloaded");
});
