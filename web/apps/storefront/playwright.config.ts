import { journeysConfig } from "../../playwright.shared";

/** The storefront's journeys against the real local stack (never mocked answers); see ../../playwright.shared.ts. */
export const BASE_URL = "http://127.0.0.1:3102";

export default journeysConfig({
  baseUrl: BASE_URL,
  timeout: 90_000,
  expectTimeout: 20_000,
});
