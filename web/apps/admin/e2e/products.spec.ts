import { ProductPage } from "./pages/ProductPage";
import { StockPage } from "./pages/StockPage";
import { expect, keepScreenshot, test } from "./support/fixtures";

test("an administrator creates a product, sees the shop's currency required beside the field, receives stock and sees it in the ledger", async ({ page }) => {
  const sku = `E2E-${Date.now().toString(36).toUpperCase()}`;
  const product = new ProductPage(page);
  await product.gotoNew();
  await product.fill({ sku, name: "End-to-end mug", price: "12.50", currency: "EUR", threshold: "3" });
  await product.create();

  // Money is taken only in the shop's currency: the message appears beside the Currency field and nothing typed is lost.
  const currency = page.getByLabel("Currency");
  await expect(currency).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText(/currency/i).and(page.locator(".field-error"))).toBeVisible();
  await expect(page.getByLabel("Name")).toHaveValue("End-to-end mug");
  await keepScreenshot(page, "product-validation");

  await currency.fill("USD");
  await product.create();
  await expect(page.getByRole("heading", { level: 1, name: `Product ${sku}` })).toBeVisible();
  await expect(page.getByText("Product created.")).toBeVisible();

  const stock = new StockPage(page);
  await page.getByRole("link", { name: "Stock", exact: true }).click();
  await expect(stock.available).toHaveText("0");
  await stock.receive(25, "purchase order PO-E2E received");
  await expect(page.getByText("Received 25. Available now: 25.")).toBeVisible();
  await expect(stock.available).toHaveText("25");
  const entry = stock.ledger.getByRole("row").filter({ hasText: "purchase order PO-E2E received" });
  await expect(entry).toContainText("+25");
  await expect(entry).toContainText("root");
  await keepScreenshot(page, "stock-received");
});

test("an administrator archives a product and puts it back on sale with its price and description kept", async ({ page }) => {
  const sku = `E2E-ARC-${Date.now().toString(36).toUpperCase()}`;
  const product = new ProductPage(page);
  await product.gotoNew();
  await product.fill({ sku, name: "Archivable mug", price: "9.90" });
  await page.getByLabel("Description").fill("A mug that leaves and comes back");
  await product.create();
  await expect(page.getByText("Product created.")).toBeVisible();

  await page.getByRole("button", { name: "Archive" }).click();
  await expect(page.getByText("Product archived: it is no longer on sale.")).toBeVisible();
  await page.reload();
  await expect(page.getByText(/This product is archived/)).toBeVisible();
  // The admin read keeps what the storefront no longer shows.
  await expect(page.getByLabel("Price")).toHaveValue("9.90");
  await expect(page.getByLabel("Description")).toHaveValue("A mug that leaves and comes back");
  await keepScreenshot(page, "product-archived");

  await page.getByLabel("Active (on sale in the storefront)").check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Changes saved.")).toBeVisible();
  await expect(page.getByText(/This product is archived/)).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Archive" })).toBeVisible();
});
