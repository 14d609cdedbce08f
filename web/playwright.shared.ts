/**
 * The Playwright settings both apps' journeys share: the real local stack
 * (`local-dev`: a fresh emulator with the demo catalog, the API on :3100, the
 * dashboard on :3101, the storefront on :3102, the WebSocket gateway on
 * :3103; the apps from their dist/, so run `npm run build` first), one worker,
 * Debian's chromium. Each app's playwright.config.ts passes its own origin,
 * timeouts and any `use` option of its own.
 */
import { defineConfig, type PlaywrightTestConfig } from "@playwright/test";

const runningAsRoot = typeof process.getuid === "function" && process.getuid() === 0;

export function journeysConfig({
  baseUrl,
  timeout,
  expectTimeout,
  use = {},
}: {
  /** The app under test, served by local-dev. */
  baseUrl: string;
  timeout: number;
  expectTimeout: number;
  use?: PlaywrightTestConfig["use"];
}) {
  return defineConfig({
    testDir: "e2e",
    outputDir: "test-results",
    timeout,
    expect: { timeout: expectTimeout },
    fullyParallel: false,
    // One stack: the journeys share it (and its settings, such as the fulfilment pause switch), so one worker.
    workers: 1,
    retries: 0,
    forbidOnly: !!process.env.CI,
    reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
    use: {
      baseURL: baseUrl,
      trace: "retain-on-failure",
      screenshot: "on",
      ...use,
      launchOptions: {
        // Debian's chromium: Playwright's own browser download cannot work here.
        executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
        args: [
          "--disable-background-networking",
          "--disable-component-update",
          "--no-first-run",
          "--disable-gpu",
          ...(runningAsRoot ? ["--no-sandbox"] : []),
        ],
      },
    },
    projects: [
      { name: "setup", testMatch: /auth\.setup\.ts/ },
      {
        name: "journeys",
        testMatch: /.*\.spec\.ts/,
        dependencies: ["setup"],
      },
    ],
    webServer: {
      // Relative to the app's folder (web/apps/<app>).
      command: "../../../target/debug/local-dev",
      env: { PORT: "3100", ADMIN_PORT: "3101", STOREFRONT_PORT: "3102", REALTIME_PORT: "3103" },
      url: `${baseUrl}/config.json`,
      reuseExistingServer: !process.env.CI,
      timeout: 180_000,
      stdout: "ignore",
      stderr: "pipe",
    },
  });
}
