import { ApiClientProvider, createApiClient } from "@order-service/api";
import { AuthProvider, type User, type UserManager } from "@order-service/auth";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { createMemoryRouter, RouterProvider, type RouteObject } from "react-router";
import { vi } from "vitest";
import { CartSessionProvider } from "../src/cart/CartSession";
import type { PaymentsConfig } from "../src/config";
import { ShopContextProvider } from "../src/ShopContext";

/** An answer of the API, as the service (or API Gateway) would give it. */
export function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/** The auth context's manager, with just what AuthProvider subscribes to. */
export const stubManager = {
  events: {
    addUserLoaded() {},
    addUserUnloaded() {},
    addAccessTokenExpired() {},
    removeUserLoaded() {},
    removeUserUnloaded() {},
    removeAccessTokenExpired() {},
  },
} as unknown as UserManager;

export function stubUser(profile: { sub: string; name?: string; email?: string }): User {
  return { profile, id_token: "id-token" } as unknown as User;
}

/**
 * Renders storefront routes as the app does (config, auth, query client, a
 * real API client whose fetch answers from `respond`, the cart session).
 */
export function renderShop({
  routes,
  path,
  respond,
  user = null,
  payments = { provider: "sandbox" },
}: {
  routes: RouteObject[];
  path: string;
  respond: (request: Request) => Response | Promise<Response>;
  user?: User | null;
  payments?: PaymentsConfig;
}) {
  const fetch = vi.fn(async (input: Request) => respond(input));
  const client = createApiClient({
    baseUrl: "http://api.test",
    getToken: () => (user ? "id-token" : undefined),
    fetch: fetch as unknown as typeof globalThis.fetch,
  });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 15_000 }, mutations: { retry: false } } });
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const config = {
    stage: "test",
    apiUrl: "http://api.test",
    oidc: { authority: "https://idp.test", clientId: "order-service-web", scope: "openid email profile" },
    payments,
  };
  const ui: ReactNode = (
    <ShopContextProvider config={config}>
      <AuthProvider manager={stubManager} initialUser={user}>
        <QueryClientProvider client={queryClient}>
          <ApiClientProvider client={client}>
            <CartSessionProvider>
              <RouterProvider router={router} />
            </CartSessionProvider>
          </ApiClientProvider>
        </QueryClientProvider>
      </AuthProvider>
    </ShopContextProvider>
  );
  return { ...render(ui), fetch, queryClient, router };
}
