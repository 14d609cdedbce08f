/// <reference types="vitest/config" />
/**
 * The Vite (and Vitest) settings both apps share; each app's vite.config.ts
 * calls `webAppConfig` with what is its own: name, dev port, plugins, the
 * extra fields of its dev config.json and any build option of its own.
 */
import { defineConfig, type BuildEnvironmentOptions, type PluginOption, type Plugin } from "vite";

/**
 * `vite dev` only: answers /config.json for the local stack (`make dev` on
 * port 3000), with the app's `extra` fields. Builds carry no config.json:
 * each stage serves its own.
 */
function devConfig(extra: Record<string, unknown>): Plugin {
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
            ...extra,
          }),
        );
      });
    },
  };
}

export function webAppConfig({
  name,
  port,
  plugins,
  devConfigJson = {},
  build = {},
}: {
  /** The Vitest project's name. */
  name: string;
  /** `vite dev`'s port: the identity provider accepts redirects to the apps' own origins only. */
  port: number;
  plugins: PluginOption[];
  /** Fields the app's dev config.json carries beside the common ones. */
  devConfigJson?: Record<string, unknown>;
  build?: BuildEnvironmentOptions;
}) {
  return defineConfig({
    plugins: [...plugins, devConfig(devConfigJson)],
    server: { host: "127.0.0.1", port, strictPort: true },
    build: {
      // scripts/bundle-size.mjs reads the manifest to measure the initial JavaScript.
      manifest: true,
      sourcemap: false,
      target: "es2022",
      ...build,
    },
    test: {
      name,
      environment: "jsdom",
      include: ["test/**/*.test.{ts,tsx}"],
      setupFiles: ["test/setup.ts"],
      css: false,
    },
  });
}
