import { ApiClientProvider, createApiClient, isApiError } from "@order-service/api";
import { AuthProvider, hostedLogoutUrl, useAuth, type User, type UserManager } from "@order-service/auth";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { RouterProvider } from "react-router";
import { CartSessionProvider } from "./cart/CartSession";
import { forgetAnonymousCartId } from "./cart/storage";
import type { StorefrontConfig } from "./config";
import { createShopRouter } from "./router";
import { ShopContextProvider } from "./ShopContext";

export function App({
  config,
  manager,
  initialUser,
  signInError,
}: {
  config: StorefrontConfig;
  manager: UserManager;
  initialUser: User | null;
  signInError?: string | undefined;
}) {
  return (
    <ShopContextProvider config={config} signInError={signInError}>
      {/* Signing out forgets the visitor's cart id; the sign-out then leaves the page, and the caches with it. */}
      <AuthProvider manager={manager} initialUser={initialUser} logoutUrl={hostedLogoutUrl(config, window.location.origin)} onSignOut={forgetAnonymousCartId}>
        <Shop config={config} />
      </AuthProvider>
    </ShopContextProvider>
  );
}

function Shop({ config }: { config: StorefrontConfig }) {
  const auth = useAuth();
  const [state] = useState(() => {
    const onError = (error: unknown) => {
      if (isApiError(error) && error.isUnauthorized) auth.endSession();
    };
    const queryClient = new QueryClient({
      queryCache: new QueryCache({ onError }),
      mutationCache: new MutationCache({ onError }),
      defaultOptions: {
        queries: {
          staleTime: 15_000,
          refetchOnWindowFocus: false,
          // A refusal (4xx) will not change by asking again; an outage might.
          retry: (count, error) => count < 2 && !(isApiError(error) && error.status >= 400 && error.status < 500),
        },
      },
    });
    // No token while signed out: carts are anonymous then.
    const client = createApiClient({ baseUrl: config.apiUrl, getToken: auth.getToken });
    return { queryClient, client, router: createShopRouter() };
  });
  return (
    <QueryClientProvider client={state.queryClient}>
      <ApiClientProvider client={state.client}>
        <CartSessionProvider>
          <RouterProvider router={state.router} />
        </CartSessionProvider>
      </ApiClientProvider>
    </QueryClientProvider>
  );
}
