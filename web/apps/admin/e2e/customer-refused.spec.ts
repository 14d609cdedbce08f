import { expect, test } from "@playwright/test";
import { SignInPage } from "./pages/SignInPage";
import { keepScreenshot } from "./support/fixtures";

test("a customer who signs in is refused and no admin request is made", async ({ page }) => {
  const adminRequests: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname.startsWith("/admin/")) adminRequests.push(request.url());
  });
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signInAs("alice");
  await expect(page.getByRole("heading", { name: "Not authorised" })).toBeVisible();
  await expect(page.getByText("alice@example.com")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
  await page.goto("/orders");
  await expect(page.getByRole("heading", { name: "Not authorised" })).toBeVisible();
  expect(adminRequests).toEqual([]);
  await keepScreenshot(page, "customer-refused");
});
