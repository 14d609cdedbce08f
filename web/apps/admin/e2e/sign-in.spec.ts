import { expect, test } from "@playwright/test";
import { SignInPage } from "./pages/SignInPage";
import { keepScreenshot } from "./support/fixtures";

test("an administrator signs in through the sign-in page and no token stays in the address", async ({ page }) => {
  const signIn = new SignInPage(page);
  await page.goto("/inventory");
  await expect(page.getByRole("heading", { name: "Order Service admin" })).toBeVisible();
  await signIn.signInAs("root");

  // Back on the page asked for, with the callback's code and state gone from the URL.
  await expect(page.getByRole("heading", { level: 1, name: "Inventory" })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe("/inventory");
  expect(page.url()).not.toMatch(/code=|state=|id_token/);
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(page.getByText("root@example.com")).toBeVisible();
  const stored = await page.evaluate(() => Object.keys(window.sessionStorage).some((k) => k.startsWith("oidc.user:")));
  expect(stored, "the tokens are kept in sessionStorage").toBe(true);
  await keepScreenshot(page, "signed-in");

  // Signing out forgets the tokens and comes back to the sign-in screen.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Order Service admin" })).toBeVisible();
  expect(await page.evaluate(() => Object.keys(window.sessionStorage).some((k) => k.startsWith("oidc.user:")))).toBe(false);
});
