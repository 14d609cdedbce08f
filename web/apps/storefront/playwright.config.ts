import { defineConfig } from "@playwright/test";

/**
 * End-to-end journeys against the real local stack (never mocked answers):
 * `local-dev` starts a fresh emulator with the demo catalog, the API on
 * :3100, the dashboard on :3101, this storefront's build (dist/, so run
 * `npm run build` first) on :3102 and the WebSocket gateway on :3103.
 */
const runningAsRoot = typeof process.getuid === "function" && process.getuid() === 0;
export const BASE_URL = "http://127.0.0.1:3102";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  timeout: 90_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  // One stack: the journeys share it, so one worker.
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    screenshot: "on",
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
    command: "../../../target/debug/local-dev",
    env: { PORT: "3100", ADMIN_PORT: "3101", STOREFRONT_PORT: "3102", REALTIME_PORT: "3103" },
    url: `${BASE_URL}/config.json`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
