import { saveShopSettings, shopSettings } from "./support/api";
import { expect, keepScreenshot, test } from "./support/fixtures";

test("an administrator's save over settings someone else changed is refused with a clear message, and saved once reloaded", async ({ page }) => {
  const before = await shopSettings();
  try {
    await page.goto("/settings");
    await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
    await expect(page.getByLabel(/^Manual/)).toBeChecked();
    await expect(page.getByText(`Version ${before.version}`)).toBeVisible();
    await keepScreenshot(page, "settings");

    // Another administrator saves while this page is open.
    const theirs = await saveShopSettings({ pricesIncludeTax: true });

    await page.getByLabel(/^Automatic/).check();
    await page.getByRole("button", { name: "Save settings" }).click();
    const refusal = page.getByRole("alert");
    await expect(refusal).toContainText("Someone else saved the settings after you opened them, so yours were not saved.");
    await expect(refusal).toContainText("settings_changed");
    await keepScreenshot(page, "settings-changed");

    await refusal.getByRole("button", { name: "Load the saved settings" }).click();
    await expect(page.getByText(`Version ${theirs.version}`)).toBeVisible();
    await expect(page.getByLabel("Prices include tax")).toBeChecked();
    await page.getByLabel("Prices include tax").uncheck();
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByText(`Settings saved (version ${theirs.version + 1}).`)).toBeVisible();
    expect(await shopSettings()).toMatchObject({ pricesIncludeTax: false, fulfilmentMode: "MANUAL", version: theirs.version + 1 });
  } finally {
    await saveShopSettings({ pricesIncludeTax: before.pricesIncludeTax, fulfilmentMode: before.fulfilmentMode });
  }
});
