import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { expect, test as setup } from "@playwright/test";
import { ShopPage } from "./pages/ShopPage";
import { sessionFile, SHOP_URL, type Customer } from "./support/fixtures";

for (const customer of ["alice", "bob"] as Customer[]) {
  setup(`sign in once as ${customer} through the sign-in page`, async ({ browser }) => {
    const context = await browser.newContext({ baseURL: SHOP_URL });
    const page = await context.newPage();
    const shop = new ShopPage(page);
    await page.goto("/");
    await shop.signInAs(customer);
    await expect(shop.header.getByRole("button", { name: "Sign out" })).toBeVisible();
    mkdirSync(dirname(sessionFile(customer)), { recursive: true });
    writeFileSync(sessionFile(customer), await page.evaluate(() => JSON.stringify(window.sessionStorage)));
    await context.close();
  });
}
