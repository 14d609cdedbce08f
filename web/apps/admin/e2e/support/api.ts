/**
 * Set-up steps over the real API: tokens from the stack's identity provider
 * (the same authorization code + PKCE flow the browser uses), orders placed
 * through carts and checkout, fulfilment held and carrier events signed.
 */
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { expect } from "@playwright/test";

export const APP_URL = "http://127.0.0.1:3101";
let apiUrl: string | undefined;

export async function api(): Promise<string> {
  if (!apiUrl) {
    const config = (await (await fetch(`${APP_URL}/config.json`)).json()) as { apiUrl: string };
    apiUrl = config.apiUrl.replace(/\/+$/, "");
  }
  return apiUrl;
}

const tokens = new Map<string, string>();

/** An ID token for a demo user (alice, bob: customers; root: administrator). */
export async function tokenFor(user: "alice" | "bob" | "root"): Promise<string> {
  const cached = tokens.get(user);
  if (cached) return cached;
  const base = await api();
  const discovery = (await (await fetch(`${base}/local-idp/.well-known/openid-configuration`)).json()) as {
    authorization_endpoint: string;
    token_endpoint: string;
  };
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const redirectUri = `${APP_URL}/auth/callback`;
  const params = {
    response_type: "code",
    client_id: "order-service-web",
    redirect_uri: redirectUri,
    state: randomUUID(),
    code_challenge: challenge,
    code_challenge_method: "S256",
    scope: "openid email profile",
    user,
  };
  const authorize = await fetch(discovery.authorization_endpoint, {
    method: "POST",
    body: new URLSearchParams(params),
    redirect: "manual",
  });
  const location = authorize.headers.get("location");
  expect(location, "the identity provider redirects back with a code").toBeTruthy();
  const code = new URL(location!).searchParams.get("code")!;
  const answer = await fetch(discovery.token_endpoint, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: "order-service-web",
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }),
  });
  const body = (await answer.json()) as { id_token: string };
  expect(body.id_token).toBeTruthy();
  tokens.set(user, body.id_token);
  return body.id_token;
}

export async function call<T = unknown>(
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const response = await fetch(`${await api()}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export type PlacedOrder = {
  orderId: string;
  orderNumber: string;
  total: Money;
  subtotal?: Money;
  shipping?: Money;
  tax?: Money;
};
export type Money = { amount: number; currency: string };
export type AddressInput = { line1: string; line2: string | null; city: string; region: string | null; postalCode: string; country: string };
type Cart = { cartId: string; shippingOptions: { optionId: string; name: string; price: Money }[] };

/** Springfield, Illinois: the demo shop ships there (Standard, Express) and taxes it at 7.25 %. */
export const SPRINGFIELD: AddressInput = { line1: "1 Main St", line2: null, city: "Springfield", region: "IL", postalCode: "62701", country: "US" };

/**
 * A customer's order of `quantity` units of `sku`, paid with the sandbox's
 * test card (see placeOrderOf).
 */
export async function placeOrder(
  sku: string,
  quantity = 1,
  customer: "alice" | "bob" = "alice",
  options: { address?: AddressInput; shippingOption?: string } = {},
): Promise<PlacedOrder> {
  return placeOrderOf([{ sku, quantity }], customer, options);
}

/**
 * A customer's order of these lines, paid with the sandbox's test card. The
 * cart is given its shipping address first and, where the shop ships there,
 * the option named `shippingOption` (the cheapest when none is named), as a
 * storefront would: checkout refuses a cart that could be shipped but has
 * no option.
 */
export async function placeOrderOf(
  lines: { sku: string; quantity: number }[],
  customer: "alice" | "bob" = "alice",
  { address = SPRINGFIELD, shippingOption }: { address?: AddressInput; shippingOption?: string } = {},
): Promise<PlacedOrder> {
  const token = await tokenFor(customer);
  const cart = await call<Cart>("POST", "/carts", token);
  for (const line of lines) await call("POST", `/carts/${cart.cartId}/items`, token, line);
  const addressed = await call<Cart>("PUT", `/carts/${cart.cartId}/shipping-address`, token, address);
  const option = shippingOption
    ? addressed.shippingOptions.find((o) => o.name === shippingOption)
    : addressed.shippingOptions[0];
  if (shippingOption && !option) {
    throw new Error(`the cart is not offered "${shippingOption}": ${addressed.shippingOptions.map((o) => o.name).join(", ") || "no options"}`);
  }
  if (option) await call("PUT", `/carts/${cart.cartId}/shipping-option`, token, { optionId: option.optionId });
  return call<PlacedOrder>(
    "POST",
    `/carts/${cart.cartId}/checkout`,
    token,
    {
      customer: { name: customer === "alice" ? "Alice Liddell" : "Bob Marley", email: `${customer}@example.com`, phone: null },
      billingAddress: null,
      payment: { methodToken: "pm_card_visa" },
    },
    { "Idempotency-Key": randomUUID() },
  );
}

export type AdminOrder = {
  orderId: string;
  orderNumber: string;
  /** The cart the order was placed from. */
  cartId: string;
  status: string;
  total: { amount: number; currency: string };
  shipping: Money;
  tax: Money;
  taxIncluded: boolean;
  shippingOption?: { name: string; price: Money; tax: Money };
  shipment?: { carrier: string; trackingNumber: string; trackingUrl: string } | null;
  lines: { sku: string; quantity: number }[];
};

export async function adminOrder(orderId: string): Promise<AdminOrder> {
  return call<AdminOrder>("GET", `/admin/orders/${orderId}`, await tokenFor("root"));
}

export async function waitForStatus(orderId: string, status: string): Promise<AdminOrder> {
  let order: AdminOrder | undefined;
  await expect
    .poll(async () => (order = await adminOrder(orderId)).status, { timeout: 30_000, intervals: [200, 300, 500] })
    .toBe(status);
  return order!;
}

/**
 * Ships an order from the fulfilment queue (the local stack fulfils by hand:
 * paid orders wait AWAITING_FULFILMENT), with the shop's carrier unless
 * another is named.
 */
export async function shipOrder(
  orderId: string,
  other?: { carrier: string; trackingNumber: string; trackingUrl: string },
): Promise<AdminOrder> {
  return call<AdminOrder>("POST", `/admin/orders/${orderId}/ship`, await tokenFor("root"), other ?? {});
}

/** Waits for a paid order to reach the fulfilment queue, then ships it: the order as SHIPPED, with its shipment. */
export async function shipWhenQueued(orderId: string): Promise<AdminOrder> {
  await waitForStatus(orderId, "AWAITING_FULFILMENT");
  const shipped = await shipOrder(orderId);
  expect(shipped.status).toBe("SHIPPED");
  return shipped;
}

/** Empties the fulfilment queue (ships what earlier journeys left there, cancels what the carrier refuses), so a journey starts from an empty one. */
export async function drainFulfilmentQueue() {
  const root = await tokenFor("root");
  for (let round = 0; round < 10; round += 1) {
    const page = await call<{ items: { orderId: string }[] }>("GET", "/admin/fulfilment?limit=100", root);
    if (page.items.length === 0) return;
    for (const order of page.items) {
      await shipOrder(order.orderId).catch(() => call("POST", `/admin/orders/${order.orderId}/cancel`, root, { reason: "queue emptied by a test" }));
    }
  }
  throw new Error("the fulfilment queue did not empty");
}

export type ShopSettings = { pricesIncludeTax: boolean; fulfilmentMode: "MANUAL" | "AUTOMATIC"; version: number };

export async function shopSettings(): Promise<ShopSettings> {
  return call<ShopSettings>("GET", "/admin/settings", await tokenFor("root"));
}

/** Saves settings over whatever version is there now (a set-up step, not what the screen does). */
export async function saveShopSettings(change: Partial<Omit<ShopSettings, "version">>): Promise<ShopSettings> {
  const current = await shopSettings();
  return call<ShopSettings>("PUT", "/admin/settings", await tokenFor("root"), {
    pricesIncludeTax: current.pricesIncludeTax,
    fulfilmentMode: current.fulfilmentMode,
    ...change,
    version: current.version,
  });
}

export async function availableOf(sku: string): Promise<number> {
  const page = await call<{ items: { sku: string; available: number }[] }>("GET", "/admin/inventory?limit=100", await tokenFor("root"));
  const item = page.items.find((i) => i.sku === sku);
  if (!item) throw new Error(`${sku} is not in the inventory`);
  return item.available;
}

/**
 * Holds (or lets go) the local carrier, so a paid order stays PAID. A worker
 * paused mid-receive gives the messages it took back, so the pause holds at once.
 */
export async function fulfilment(action: "pause" | "resume") {
  await call("POST", `/local/workers/fulfil-order/${action}`);
}

export type CarrierEventType = "in_transit" | "out_for_delivery" | "delivered" | "exception";

/** An event of the carrier about a shipment, signed as the carrier signs its webhooks. */
export async function carrierEvent(
  trackingNumber: string,
  event: { type: CarrierEventType; location?: string; description?: string },
) {
  const body = JSON.stringify({
    eventId: `evt-${randomUUID()}`,
    trackingNumber,
    occurredAt: new Date().toISOString(),
    ...event,
  });
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac("sha256", "whsec_local_carrier_webhooks").update(`${t}.${body}`).digest("hex");
  const response = await fetch(`${await api()}/webhooks/carrier`, {
    method: "POST",
    headers: { "Carrier-Signature": `t=${t},v1=${v1}`, "content-type": "application/json" },
    body,
  });
  expect(response.status, await response.text()).toBe(200);
}

/** The carrier's signed `delivered` event for a shipment. */
export async function deliver(trackingNumber: string, details: { location?: string; description?: string } = {}) {
  await carrierEvent(trackingNumber, { type: "delivered", ...details });
}

/** A SKU of the demo catalog with stock to sell. */
export async function stockedSku(min = 5): Promise<string> {
  const page = await call<{ items: { sku: string; available: number; active: boolean }[] }>(
    "GET",
    "/admin/inventory?limit=100",
    await tokenFor("root"),
  );
  const item = page.items.find((i) => i.active && i.available >= min);
  if (!item) throw new Error("no demo SKU has stock");
  return item.sku;
}

export type SalesFigures = {
  period: string;
  orders: number;
  revenue: Money;
  goodsCollected: Money;
  shippingCollected: Money;
  taxCollected: Money;
  refunds: Money;
  goodsRefunded: Money;
  shippingRefunded: Money;
  taxRefunded: Money;
  netRevenue: Money;
};
export type SalesReport = { from: string; to: string; currency: string; totals: SalesFigures; periods: SalesFigures[] };

export async function salesReport(from: string, to: string): Promise<SalesReport> {
  return call<SalesReport>("GET", `/admin/reports/sales?from=${from}&to=${to}&granularity=day`, await tokenFor("root"));
}

/**
 * The sales report once it stops changing: the figures come from the order
 * stream's aggregates, which lag an earlier journey's orders and refunds by
 * the stream's delay, so a journey reads its starting point after they land.
 */
export async function settledSalesReport(from: string, to: string): Promise<SalesReport> {
  let last = JSON.stringify(await salesReport(from, to));
  for (let round = 0; round < 20; round += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const next = JSON.stringify(await salesReport(from, to));
    if (next === last) return JSON.parse(next) as SalesReport;
    last = next;
  }
  throw new Error("the sales report did not settle");
}

/** A stock movement through the API (what the stock page sends): a ledger entry, so a `StockAdjusted` event. */
export async function adjustStock(sku: string, delta: number, reason: string) {
  return call<{ sku: string; available: number }>("POST", `/admin/products/${sku}/stock`, await tokenFor("root"), { delta, reason });
}

/** Statuses an order's life ends in (with no return or refund under way): what a customer's erasure waits for. */
const ENDED = new Set(["DELIVERED", "REJECTED", "PAYMENT_FAILED", "CANCELLED", "PARTIALLY_REFUNDED", "REFUNDED"]);

/**
 * Ends every order a demo customer has in progress (earlier journeys leave
 * some paid, queued or shipped): a shipped one is delivered by the carrier,
 * any other cancelled. Their erasure then completes at once instead of
 * waiting, and erasing orders as they end, while later journeys run.
 */
export async function endOrdersOf(customer: "alice" | "bob") {
  const root = await tokenFor("root");
  const open: AdminOrder[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `email=${customer}%40example.com&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page: { items: AdminOrder[]; nextCursor: string | null } = await call("GET", `/admin/orders?${query}`, root);
    open.push(...page.items.filter((o) => !ENDED.has(o.status)));
    cursor = page.nextCursor;
  } while (cursor);
  for (const order of open) {
    if (order.status === "SHIPPED" && order.shipment) {
      await deliver(order.shipment.trackingNumber);
      await waitForStatus(order.orderId, "DELIVERED");
      continue;
    }
    // A PENDING order may be busy with its payment for a moment: try again until it takes the cancellation.
    await expect
      .poll(
        async () => {
          const now = await adminOrder(order.orderId);
          if (ENDED.has(now.status)) return now.status;
          await call("POST", `/admin/orders/${order.orderId}/cancel`, root, { reason: "ended before an erasure journey" }).catch(() => undefined);
          return (await adminOrder(order.orderId)).status;
        },
        { timeout: 30_000, intervals: [500, 1_000] },
      )
      .toMatch(/^(CANCELLED|REJECTED|PAYMENT_FAILED|DELIVERED|REFUNDED|PARTIALLY_REFUNDED)$/);
  }
}
