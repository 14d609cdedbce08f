import { defineConfig } from "vitest/config";

// One run for every package: `npm test` in web/.
export default defineConfig({
  test: {
    projects: ["packages/api", "packages/auth", "packages/ui", "apps/admin", "apps/storefront"],
  },
});
