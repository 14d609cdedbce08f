/**
 * Signed-in customers for the journeys. The storefront keeps its tokens in
 * sessionStorage, which Playwright's storageState does not carry, so the
 * set-up step saves each customer's sessionStorage and every page gets it
 * back before the app starts (Playwright's documented recipe).
 */
import { readFileSync } from "node:fs";
import { test as base, type Browser, type BrowserContext, type Page } from "@playwright/test";

export const SHOP_URL = "http://127.0.0.1:3102";
export type Customer = "alice" | "bob";
export const sessionFile = (customer: Customer) => `playwright/.auth/${customer}-session.json`;

/** A new browser context signed in as the customer, with nothing in localStorage. */
export async function signedInContext(browser: Browser, customer: Customer): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: SHOP_URL });
  const session = readFileSync(sessionFile(customer), "utf8");
  await context.addInitScript(
    ({ origin, stored }) => {
      if (window.location.origin !== origin) return;
      for (const [key, value] of Object.entries(JSON.parse(stored) as Record<string, string>)) {
        if (window.sessionStorage.getItem(key) === null) window.sessionStorage.setItem(key, value);
      }
    },
    { origin: SHOP_URL, stored: session },
  );
  return context;
}

/** `page` is alice's, signed in; `bobPage` opens bob's in a browser context of its own. */
export const test = base.extend<{ page: Page; bobPage: Page }>({
  page: async ({ browser }, use) => {
    const context = await signedInContext(browser, "alice");
    const page = await context.newPage();
    await use(page);
    await context.close();
  },
  bobPage: async ({ browser }, use) => {
    const context = await signedInContext(browser, "bob");
    const page = await context.newPage();
    await use(page);
    await context.close();
  },
});

export { expect } from "@playwright/test";

/** Keeps a named screenshot of the page with the test's results. */
export async function keepScreenshot(page: Page, name: string) {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

/** Marks the window, so a test can tell that the page changed without a reload (the mark survives only in the same document). */
export async function markWindow(page: Page) {
  await page.evaluate(() => {
    (window as unknown as { __sameDocument?: boolean }).__sameDocument = true;
  });
}

export async function sameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);
}
