import { OrderPage } from "./pages/OrderPage";
import { ShippingOptionsPage } from "./pages/ShippingOptionsPage";
import { TaxRatesPage } from "./pages/TaxRatesPage";
import { placeOrder, saveShopSettings, shopSettings } from "./support/api";
import { expect, keepScreenshot, test } from "./support/fixtures";

test("an administrator creates a weight-banded shipping option and sets a tax rate; an order placed with them shows both to the cent", async ({ page }) => {
  const name = `Parcel ${Date.now().toString(36).toUpperCase()}`;
  const options = new ShippingOptionsPage(page);
  await options.gotoNew();
  await options.fill({ name, service: "Ground Saver", countries: "US", regions: "US-WA" });
  await expect(page.getByText("United States")).toBeVisible();
  await options.setBands([
    { from: "0", upTo: "100", price: "3.50" },
    { from: "100", upTo: "2000", price: "7.25" },
  ]);
  await keepScreenshot(page, "shipping-option-form");
  await options.create();
  await expect(page.getByRole("heading", { level: 1, name: `Shipping option ${name}` })).toBeVisible();
  await expect(page.getByText("Shipping option created.")).toBeVisible();

  await options.open("Shipping options");
  const row = options.row(name);
  await expect(row).toContainText("Ground Saver");
  await expect(row).toContainText("only US-WA");
  await expect(row).toContainText("0–100 g $3.50 · 0.1–2 kg $7.25");
  await expect(row).toContainText("ACTIVE");
  // The demo shop's options are listed beside it.
  await expect(options.row("Standard")).toContainText("0–1 kg $5.00 · 1–5 kg $9.00 · 5–30 kg $15.00");
  await expect(options.row("Standard")).toContainText("$100.00");
  await keepScreenshot(page, "shipping-options");

  const rates = new TaxRatesPage(page);
  await rates.open("Tax rates");
  await expect(rates.row("US-IL")).toContainText("7.25 %");
  await rates.setRate({ country: "US", region: "wa", name: "Washington sales tax", percent: "6.5", shippingTaxed: true });
  await expect(page.getByText("US-WA: Washington sales tax at 6.5 % saved.")).toBeVisible();
  await expect(rates.row("US-WA")).toContainText("Washington sales tax");
  await expect(rates.row("US-WA")).toContainText("6.5 %");
  await expect(rates.row("US-WA")).toContainText("Taxed");
  await keepScreenshot(page, "tax-rates");

  // 3 sticker packs: $15.00, 60 g, so the first band: $3.50. Tax at 6.5 %, each
  // amount rounded once, half away from zero: the line $0.975 → $0.98, the
  // shipping $0.2275 → $0.23. Total 15.00 + 3.50 + 1.21 = $19.71.
  const placed = await placeOrder("STICKER-PACK", 3, "alice", {
    address: { line1: "400 Broad St", line2: null, city: "Seattle", region: "WA", postalCode: "98109", country: "US" },
    shippingOption: name,
  });
  expect(placed.total).toEqual({ amount: 1971, currency: "USD" });

  const order = new OrderPage(page);
  await order.goto(placed.orderId);
  await expect(order.line("STICKER-PACK")).toContainText("$15.00");
  await expect(order.line("STICKER-PACK").getByRole("cell").last()).toHaveText("$0.98");
  await expect(order.figure("Subtotal")).toHaveText("$15.00");
  await expect(order.figure(/^Shipping/)).toHaveText("$3.50");
  await expect(page.getByRole("term").filter({ hasText: /^Shipping/ })).toContainText(`${name} · Ground Saver`);
  await expect(order.figure(/^Tax/)).toHaveText("$1.21");
  await expect(order.figure("Total")).toHaveText("$19.71");
  await expect(page.getByRole("region", { name: "Shipment" })).toContainText("$3.50 (tax $0.23)");
  await keepScreenshot(page, "order-shipping-and-tax");

  // Deactivated, the option stays on the order and leaves the carts.
  await page.goto("/shipping-options");
  await options.row(name).getByRole("link", { name }).click();
  await page.getByRole("button", { name: "Deactivate" }).click();
  await expect(page.getByText("Shipping option deactivated: carts no longer list it.")).toBeVisible();
  await options.open("Shipping options");
  await expect(options.row(name)).toContainText("INACTIVE");

  await rates.open("Tax rates");
  await rates.remove("US-WA");
  await expect(page.getByText("The rate of US-WA was removed.")).toBeVisible();
  await expect(rates.row("US-WA")).toHaveCount(0);
});

test("the shipping option form refuses what the API refuses, beside the fields, before sending", async ({ page }) => {
  const options = new ShippingOptionsPage(page);
  await options.gotoNew();
  await options.fill({ name: "Overlapping", service: "Ground", countries: "US, XX", regions: "CA-QC" });
  await options.setBands([
    { from: "0", upTo: "1000", price: "5" },
    { from: "500", upTo: "2000", price: "9" },
  ]);
  await options.create();
  await expect(page.getByText("Not an ISO 3166-1 country code: XX")).toBeVisible();
  await page.getByLabel("Countries").fill("US");
  await options.create();
  await expect(page.getByText("In a country the option does not serve: CA-QC")).toBeVisible();
  await page.getByLabel("Only these regions").fill("");
  await options.create();
  await expect(page.getByText("The bands 0–1000 g and 500–2000 g overlap")).toBeVisible();
  await keepScreenshot(page, "shipping-option-refused");
  await expect(page).toHaveURL(/\/shipping-options\/new$/);
});

test("with prices that include tax, the order page shows the tax the total holds, marked incl.", async ({ page }) => {
  const before = await shopSettings();
  await saveShopSettings({ pricesIncludeTax: true });
  try {
    // 3 sticker packs to Springfield, IL by Standard (60 g: $5.00), 7.25 % inside the prices:
    // the line holds 15.00 × 7.25 / 107.25 = $1.01, shipping $0.34; the total is the prices, $20.00.
    const placed = await placeOrder("STICKER-PACK", 3, "alice", { shippingOption: "Standard" });
    expect(placed.total).toEqual({ amount: 2000, currency: "USD" });
    const order = new OrderPage(page);
    await order.goto(placed.orderId);
    await expect(order.line("STICKER-PACK").getByRole("cell").last()).toHaveText("$1.01");
    await expect(order.figure("Subtotal")).toHaveText("$15.00");
    await expect(order.figure(/^Shipping/)).toHaveText("$5.00");
    await expect(order.figure("Tax (incl.)")).toHaveText("$1.35");
    await expect(order.figure("Total")).toHaveText("$20.00");
    await keepScreenshot(page, "order-tax-included");
  } finally {
    await saveShopSettings({ pricesIncludeTax: before.pricesIncludeTax });
  }
});
