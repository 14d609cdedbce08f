import { AuthProvider, hostedLogoutUrl } from "@order-service/auth";
import { ServiceProviders, type StartProps } from "@order-service/ui";
import { useState } from "react";
import { RouterProvider } from "react-router";
import { CartSessionProvider } from "./cart/CartSession";
import { forgetAnonymousCartId } from "./cart/storage";
import type { StorefrontConfig } from "./config";
import { createShopRouter } from "./router";
import { ShopContextProvider } from "./ShopContext";

export function App({ config, manager, initialUser, signInError }: StartProps<StorefrontConfig>) {
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
  const [router] = useState(createShopRouter);
  // No token while signed out: carts are anonymous then.
  return (
    <ServiceProviders apiUrl={config.apiUrl}>
      <CartSessionProvider>
        <RouterProvider router={router} />
      </CartSessionProvider>
    </ServiceProviders>
  );
}
