/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/**
 * `vite dev` only: answers /config.json for the local stack (`make dev` on
 * port 3000). Builds carry no config.json: each stage serves its own.
 */
function devConfig(): Plugin {
  return {
    name: "dev-config-json",
    apply: "serve",
    configureServer(server) {
      server.middlewares.use("/config.json", (_req, res) => {
        const api = process.env.API_URL ?? "http://127.0.0.1:3000";
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({
            stage: "local",
            apiUrl: api,
            oidc: {
              authority: "https://local-idp.order-service.test",
              metadataUrl: `${api}/local-idp/.well-known/openid-configuration`,
              clientId: "order-service-web",
              scope: "openid email profile",
            },
            payments: { provider: "sandbox" },
          }),
        );
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), devConfig()],
  // The identity provider accepts redirects to the storefront's origin only (:3002).
  server: { host: "127.0.0.1", port: 3002, strictPort: true },
  build: {
    // scripts/bundle-size.mjs reads the manifest to measure the initial JavaScript.
    manifest: true,
    sourcemap: false,
    target: "es2022",
  },
  test: {
    name: "storefront",
    environment: "jsdom",
    include: ["test/**/*.test.{ts,tsx}"],
    setupFiles: ["test/setup.ts"],
    css: false,
  },
});
