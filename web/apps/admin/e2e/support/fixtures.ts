/**
 * The signed-in administrator for every journey. The dashboard keeps its
 * tokens in sessionStorage, which Playwright's storageState does not carry,
 * so the set-up step saves sessionStorage beside it and each page gets it
 * back before the app starts (Playwright's documented recipe).
 */
import { readFileSync } from "node:fs";
import { test as base, type Page } from "@playwright/test";
import { APP_URL } from "./api";

export const ADMIN_STATE = "playwright/.auth/admin.json";
export const ADMIN_SESSION = "playwright/.auth/admin-session.json";

export const test = base.extend<{ page: Page }>({
  storageState: ADMIN_STATE,
  page: async ({ page }, use) => {
    const session = readFileSync(ADMIN_SESSION, "utf8");
    await page.addInitScript(
      ({ origin, stored }) => {
        if (window.location.origin !== origin) return;
        for (const [key, value] of Object.entries(JSON.parse(stored) as Record<string, string>)) {
          if (window.sessionStorage.getItem(key) === null) window.sessionStorage.setItem(key, value);
        }
      },
      { origin: APP_URL, stored: session },
    );
    await use(page);
  },
});

export { expect } from "@playwright/test";

/** Keeps a named screenshot of the page with the test's results. */
export async function keepScreenshot(page: Page, name: string) {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}
