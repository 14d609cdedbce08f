import { readFileSync } from "node:fs";
import { ReportsPage } from "./pages/ReportsPage";
import { adminOrder, placeOrder, settledSalesReport, shipWhenQueued, stockedSku, type AdminOrder, type Money, type SalesFigures } from "./support/api";
import { expect, keepScreenshot, test } from "./support/fixtures";

const usd = (amount: number) => new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(amount / 100);

/** What an order adds to the collected figures: its shipping without the shipping's tax, and all its tax. */
function collected(order: AdminOrder) {
  const shippingTax = order.taxIncluded ? (order.shippingOption?.tax.amount ?? 0) : 0;
  return { shipping: order.shipping.amount - shippingTax, tax: order.tax.amount };
}

test("the sales chart shows the day's sales with their shipping and tax to the cent, the CSV downloads and the low-stock report runs on demand", async ({ page }) => {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const today = day(0);
  // The page's default range: the last 30 UTC days.
  const from = day(-29);
  const before = await settledSalesReport(from, today);
  const beforeToday = before.periods.find((p) => p.period === today)!;

  // Two orders to Springfield, IL (taxed at 7.25 %, shipping too), by two options.
  const sku = await stockedSku();
  const placed = [await placeOrder(sku, 1), await placeOrder(sku, 2, "bob", { shippingOption: "Express" })];
  const orders: AdminOrder[] = [];
  for (const p of placed) {
    await shipWhenQueued(p.orderId);
    orders.push(await adminOrder(p.orderId));
  }
  const added = orders.map(collected).reduce((a, b) => ({ shipping: a.shipping + b.shipping, tax: a.tax + b.tax }));
  expect(added.shipping, "the orders charged shipping").toBeGreaterThan(0);
  expect(added.tax, "the orders charged tax").toBeGreaterThan(0);
  const plus = (money: Money, amount: number) => usd(money.amount + amount);
  const expectFigures = async (base: SalesFigures, figure: (group: "Collected" | "Refunded", term: "Shipping" | "Tax") => ReturnType<ReportsPage["salesFigure"]>) => {
    await expect(figure("Collected", "Shipping")).toHaveText(plus(base.shippingCollected, added.shipping));
    await expect(figure("Collected", "Tax")).toHaveText(plus(base.taxCollected, added.tax));
    // The journey refunds nothing.
    await expect(figure("Refunded", "Shipping")).toHaveText(usd(base.shippingRefunded.amount));
    await expect(figure("Refunded", "Tax")).toHaveText(usd(base.taxRefunded.amount));
  };
  // The report counts the orders once the stream has carried them.
  await expect.poll(async () => (await settledSalesReport(from, today)).totals.orders, { timeout: 30_000 }).toBe(before.totals.orders + 2);

  const reports = new ReportsPage(page);
  await reports.goto();
  await expectFigures(before.totals, (group, term) => reports.salesFigure(group, term));
  const chart = page.getByRole("figure", { name: /Revenue per day/ });
  await expect(chart).toBeVisible();
  await expect(chart.locator(".recharts-bar-rectangle path, .recharts-bar-rectangle").first()).toBeVisible();
  await page.getByText("Figures per day").click();
  const row = reports.salesRow(today);
  await expect(row).toBeVisible();
  await expect(page.getByRole("table", { name: "Sales per day" }).getByRole("row").nth(1)).toHaveText(
    ["Revenue", "Goods", "Shipping", "Tax", "Refunds", "Goods", "Shipping", "Tax"].join(""),
  );
  await expect(reports.salesCell(today, "orders")).toHaveText(String(beforeToday.orders + 2));
  const columns = {
    Collected: { Shipping: "shippingCollected", Tax: "taxCollected" },
    Refunded: { Shipping: "shippingRefunded", Tax: "taxRefunded" },
  } as const;
  await expectFigures(beforeToday, (group, term) => reports.salesCell(today, columns[group][term]));
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
