/**
 * The screens, one route folder each (Medusa's `routes/<resource>/<screen>`);
 * every screen is its own lazily loaded chunk, so the first load carries the
 * shell only and recharts arrives with the reports page alone.
 */
import { createBrowserRouter, Navigate } from "react-router";
import { RouteError } from "@order-service/ui";
import { Layout } from "./components/Layout";

export function createAppRouter() {
  return createBrowserRouter([
    {
      path: "/",
      element: <Layout />,
      errorElement: <RouteError />,
      children: [
        { index: true, element: <Navigate to="/orders" replace /> },
        { path: "auth/callback", element: <Navigate to="/orders" replace /> },
        { path: "orders", lazy: () => import("./routes/orders/OrderListPage") },
        { path: "orders/:orderId", lazy: () => import("./routes/orders/OrderDetailPage") },
        { path: "payments", lazy: () => import("./routes/payments/PaymentListPage") },
        { path: "fulfilment", lazy: () => import("./routes/fulfilment/FulfilmentQueuePage") },
        { path: "fulfilment/pick-list", lazy: () => import("./routes/fulfilment/PickListPage") },
        { path: "returns", lazy: () => import("./routes/returns/ReturnQueuePage") },
        { path: "inventory", lazy: () => import("./routes/inventory/InventoryPage") },
        { path: "inventory/:sku", lazy: () => import("./routes/inventory/StockPage") },
        { path: "products", lazy: () => import("./routes/products/ProductListPage") },
        { path: "products/new", lazy: () => import("./routes/products/ProductCreatePage") },
        { path: "products/:sku", lazy: () => import("./routes/products/ProductEditPage") },
        { path: "promotions", lazy: () => import("./routes/promotions/PromotionListPage") },
        { path: "promotions/new", lazy: () => import("./routes/promotions/PromotionCreatePage") },
        { path: "promotions/:code", lazy: () => import("./routes/promotions/PromotionEditPage") },
        { path: "shipping-options", lazy: () => import("./routes/shipping/ShippingOptionListPage") },
        { path: "shipping-options/new", lazy: () => import("./routes/shipping/ShippingOptionCreatePage") },
        { path: "shipping-options/:optionId", lazy: () => import("./routes/shipping/ShippingOptionEditPage") },
        { path: "tax-rates", lazy: () => import("./routes/tax/TaxRatesPage") },
        { path: "reports", lazy: () => import("./routes/reports/ReportsPage") },
        { path: "settings", lazy: () => import("./routes/settings/SettingsPage") },
        { path: "webhooks", lazy: () => import("./routes/webhooks/WebhookListPage") },
        { path: "webhooks/new", lazy: () => import("./routes/webhooks/WebhookCreatePage") },
        { path: "webhooks/:webhookId", lazy: () => import("./routes/webhooks/WebhookDetailPage") },
        { path: "*", lazy: () => import("./routes/NotFoundPage") },
      ],
    },
  ]);
}
