import { journeysConfig } from "../../playwright.shared";

/** The dashboard's journeys against the real local stack (never mocked answers); see ../../playwright.shared.ts. */
export const BASE_URL = "http://127.0.0.1:3101";

export default journeysConfig({
  baseUrl: BASE_URL,
  timeout: 60_000,
  expectTimeout: 15_000,
  // The reports' CSV and the shipping labels are downloads.
  use: { acceptDownloads: true },
});
