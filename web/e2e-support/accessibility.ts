/** The accessibility check both apps' journeys run over their pages. */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

/** A page to check: a name for its screenshot, its path and the name of its one h1. */
export type PageToCheck = readonly [name: string, path: string, heading: string];

/**
 * Opens each page, waits for its heading and for nothing to be loading, keeps
 * a screenshot (`page-<name>.png`) and answers axe's serious or critical WCAG
 * 2.1 A/AA violations, one line each.
 */
export async function seriousViolations(page: Page, pages: readonly PageToCheck[]): Promise<string[]> {
  const found: string[] = [];
  for (const [name, path, heading] of pages) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: /^Loading/ })).toHaveCount(0);
    await page.screenshot({ path: test.info().outputPath(`page-${name}.png`), fullPage: true });
    const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    for (const v of results.violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
      found.push(`${path}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    }
  }
  return found;
}
