import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { expect, test as setup } from "@playwright/test";
import { SignInPage } from "./pages/SignInPage";
import { ADMIN_SESSION, ADMIN_STATE } from "./support/fixtures";

setup("sign in once as the administrator through the sign-in page", async ({ page }) => {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signInAs("root");
  await expect(page.getByRole("heading", { level: 1, name: "Orders" })).toBeVisible();
  mkdirSync(dirname(ADMIN_STATE), { recursive: true });
  await page.context().storageState({ path: ADMIN_STATE });
  writeFileSync(ADMIN_SESSION, await page.evaluate(() => JSON.stringify(window.sessionStorage)));
});
