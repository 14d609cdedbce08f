import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { Component as CheckoutPage } from "../src/routes/checkout/CheckoutPage";
import { answer, renderShop, stubUser } from "./render";

const usd = (amount: number) => ({ amount, currency: "USD" });
const standard = { optionId: "opt-standard", name: "Standard", carrierService: "Ground", price: usd(500) };
const express = { optionId: "opt-express", name: "Express", carrierService: "Express Air", price: usd(1900) };

/** Alice's cart, addressed and with Standard chosen: ready to be placed. */
function readyCart(total = 3539, cartId = "c-1") {
  return {
    cartId,
    status: "OPEN",
    lines: [
      { sku: "MUG-LOGO", name: "Logo mug", quantity: 2, unitPrice: usd(1400), lineTotal: usd(2800), discount: usd(0), tax: usd(203), available: 12, purchasable: true },
    ],
    itemCount: 2,
    subtotal: usd(2800),
    discount: usd(0),
    shipping: usd(500),
    tax: usd(239),
    taxIncluded: false,
    total: usd(total),
    shippingAddress: { line1: "1 Main St", line2: null, city: "Springfield", region: "IL", postalCode: "62701", country: "US" },
    shippingOptions: [standard, express],
    shippingOption: standard,
    expiresAt: "2026-12-07T10:00:00Z",
    createdAt: "2026-11-30T10:00:00.000Z",
    updatedAt: "2026-11-30T10:00:00.000Z",
  };
}

const routes = [
  { path: "/checkout", element: <CheckoutPage /> },
  { path: "/orders/:orderId", element: <h1>Order page</h1> },
];
const alice = stubUser({ sub: "alice", name: "Alice Liddell", email: "alice@example.com" });

type Sent = { key: string | null; body: { expectedTotal?: { amount: number }; payment: { methodToken: string } } };

function server(checkoutAnswers: (() => Response | Promise<Response>)[], carts: ReturnType<typeof readyCart>[] = [readyCart()]) {
  const sent: Sent[] = [];
  let cartReads = 0;
  const respond = async (request: Request) => {
    const path = new URL(request.url).pathname;
    if (request.method === "GET" && path === "/carts/current") {
      const cart = carts[Math.min(cartReads, carts.length - 1)]!;
      cartReads += 1;
      return answer(200, cart);
    }
    if (request.method === "POST" && path.endsWith("/checkout")) {
      sent.push({ key: request.headers.get("Idempotency-Key"), body: (await request.json()) as Sent["body"] });
      const next = checkoutAnswers.shift();
      if (!next) throw new Error("no answer left for checkout");
      return next();
    }
    return answer(404, { message: "Not Found" });
  };
  return { sent, respond, cartReads: () => cartReads };
}

const accepted = () => answer(202, { orderId: "0193f7a2-8c4d-7e21-b5a0-4c3d2e1f0a9b", orderNumber: "ORD-000042", status: "PENDING", total: usd(3539) });

describe("the checkout page", () => {
  it("places one order for a double click, with the total shown and the sandbox method chosen", async () => {
    let release!: () => void;
    const slow = () => new Promise<Response>((resolve) => (release = () => resolve(accepted())));
    const api = server([slow]);
    renderShop({ routes, path: "/checkout", respond: api.respond, user: alice });

    const place = await screen.findByRole("button", { name: "Place order · $35.39" });
    await userEvent.click(screen.getByRole("radio", { name: /^Amex/ }));
    await userEvent.dblClick(place);
    await waitFor(() => expect(api.sent).toHaveLength(1));
    expect(screen.getByRole("button", { name: "Placing your order…" })).toBeDisabled();
    release();
    expect(await screen.findByRole("heading", { name: "Order page" })).toBeInTheDocument();
    expect(api.sent).toHaveLength(1);
    expect(api.sent[0]!.body).toMatchObject({
      customer: { name: "Alice Liddell", email: "alice@example.com", phone: null },
      billingAddress: null,
      payment: { methodToken: "pm_card_amex" },
      expectedTotal: { amount: 3539, currency: "USD" },
    });
    expect(api.sent[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("retries an attempt the service could not finish with the same Idempotency-Key", async () => {
    const api = server([() => answer(503, { error: { code: "unavailable", message: "the service is temporarily unavailable; retry with the same Idempotency-Key" } }), accepted]);
    renderShop({ routes, path: "/checkout", respond: api.respond, user: alice });
    await userEvent.click(await screen.findByRole("button", { name: /^Place order/ }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The service is temporarily unavailable; retry with the same Idempotency-Key.");
    expect(alert).toHaveTextContent("placing the order again is safe");
    await userEvent.click(screen.getByRole("button", { name: /^Place order/ }));
    expect(await screen.findByRole("heading", { name: "Order page" })).toBeInTheDocument();
    expect(api.sent.map((s) => s.key)).toEqual([api.sent[0]!.key, api.sent[0]!.key]);
  });

  it("shows a changed total as the service says it, reads the cart again and places the new total under a new key", async () => {
    const api = server(
      [() => answer(409, { error: { code: "total_changed", message: "the total is no longer the one shown", details: { total: usd(4100) } } }), accepted],
      [readyCart(3539), readyCart(4100)],
    );
    renderShop({ routes, path: "/checkout", respond: api.respond, user: alice });
    await userEvent.click(await screen.findByRole("button", { name: "Place order · $35.39" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The total is no longer the one shown.");
    expect(alert).toHaveTextContent("The total is now $41.00");
    await userEvent.click(await screen.findByRole("button", { name: "Place order · $41.00" }));
    await screen.findByRole("heading", { name: "Order page" });
    expect(api.sent.map((s) => s.body.expectedTotal?.amount)).toEqual([3539, 4100]);
    expect(api.sent[1]!.key).not.toBe(api.sent[0]!.key);
  });

  it("offers to choose delivery again when the shipping price changed", async () => {
    const api = server([
      () => answer(409, { error: { code: "shipping_price_changed", message: "the shipping price changed", details: { optionId: "opt-standard", shown: usd(500), price: usd(700) } } }),
    ]);
    renderShop({ routes, path: "/checkout", respond: api.respond, user: alice });
    await userEvent.click(await screen.findByRole("button", { name: /^Place order/ }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The shipping price changed.");
    expect(alert).toHaveTextContent("The delivery price has changed to $7.00");
    await userEvent.click(screen.getByRole("button", { name: "Choose delivery again" }));
    expect(screen.getByRole("heading", { name: /Delivery/ })).toHaveFocus();
    await waitFor(() => expect(api.cartReads()).toBeGreaterThan(1));
  });

  it("asks a visitor to sign in first", async () => {
    const api = server([]);
    renderShop({ routes, path: "/checkout", respond: api.respond, user: null });
    expect(await screen.findByRole("button", { name: "Sign in to check out" })).toBeInTheDocument();
  });
});
