import { readFileSync } from "node:fs";
import { ReportsPage } from "./pages/ReportsPage";
import { placeOrder, shipWhenQueued, stockedSku } from "./support/api";
import { expect, keepScreenshot, test } from "./support/fixtures";

test("the sales chart shows the day's sale, the CSV downloads and the low-stock report runs on demand", async ({ page }) => {
  const placed = await placeOrder(await stockedSku(), 1);
  await shipWhenQueued(placed.orderId);
  const today = new Date().toISOString().slice(0, 10);

  const reports = new ReportsPage(page);
  await reports.goto();
  const chart = page.getByRole("figure", { name: /Revenue per day/ });
  await expect(chart).toBeVisible();
  await expect(chart.locator(".recharts-bar-rectangle path, .recharts-bar-rectangle").first()).toBeVisible();
  await page.getByText("Figures per day").click();
  const row = reports.salesRow(today);
  await expect(row).toBeVisible();
  await expect.poll(async () => Number((await row.getByRole("cell").first().textContent()) ?? 0)).toBeGreaterThan(0);
  await keepScreenshot(page, "sales-chart");

  const download = await reports.downloadCsv("sales");
  const csv = readFileSync(await download.path(), "utf8");
  expect(csv.split(/\r?\n/)[0]).toMatch(/^period,start,end,orders/);
  expect(csv).toContain(today);

  const lowStock = page.getByRole("region", { name: "Low-stock report" });
  await lowStock.getByRole("button", { name: "Run it now" }).click();
  await expect(lowStock.getByText(/^Generated /)).toBeVisible();
  // The demo catalog's low products are low from the start.
  await expect(lowStock.getByRole("row").filter({ hasText: "HOODIE-GREY-L" })).toBeVisible();
  await keepScreenshot(page, "low-stock-report");
});
