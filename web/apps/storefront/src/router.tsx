/**
 * The storefront's pages, one route folder each; every page is its own
 * lazily loaded chunk, so the first load carries the shell only (and the
 * checkout's forms, and Stripe, arrive with the checkout).
 */
import { createBrowserRouter, Navigate } from "react-router";
import { RouteError } from "@order-service/ui";
import { Layout } from "./components/Layout";

export function createShopRouter() {
  return createBrowserRouter([
    {
      path: "/",
      element: <Layout />,
      errorElement: <RouteError />,
      children: [
        { index: true, lazy: () => import("./routes/catalog/CatalogPage") },
        // completeSignIn has already replaced the callback's URL; this only catches a stale one.
        { path: "auth/callback", element: <Navigate to="/" replace /> },
        { path: "products/:sku", lazy: () => import("./routes/catalog/ProductPage") },
        { path: "cart", lazy: () => import("./routes/cart/CartPage") },
        { path: "checkout", lazy: () => import("./routes/checkout/CheckoutPage") },
        { path: "orders", lazy: () => import("./routes/orders/OrderListPage") },
        { path: "orders/:orderId", lazy: () => import("./routes/orders/OrderPage") },
        { path: "*", lazy: () => import("./routes/NotFoundPage") },
      ],
    },
  ]);
}
