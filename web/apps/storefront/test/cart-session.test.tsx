import { ApiClientProvider, createApiClient } from "@order-service/api";
import { AuthProvider, type User } from "@order-service/auth";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CartSessionProvider, useCartSession } from "../src/cart/CartSession";
import { readAnonymousCartId, rememberAnonymousCartId } from "../src/cart/storage";
import { answer, stubManager as manager } from "./render";

const cart = (cartId: string, lines: { sku: string; quantity: number }[] = []) => ({
  cartId,
  status: "OPEN",
  lines: lines.map((l) => ({ ...l, name: l.sku, unitPrice: { amount: 100, currency: "USD" }, lineTotal: { amount: 100 * l.quantity, currency: "USD" }, discount: { amount: 0, currency: "USD" }, tax: { amount: 0, currency: "USD" }, available: 10, purchasable: true })),
  itemCount: lines.reduce((n, l) => n + l.quantity, 0),
  subtotal: { amount: 0, currency: "USD" },
  discount: { amount: 0, currency: "USD" },
  shipping: { amount: 0, currency: "USD" },
  tax: { amount: 0, currency: "USD" },
  taxIncluded: false,
  total: { amount: 0, currency: "USD" },
  shippingOptions: [],
  expiresAt: "2026-12-07T10:00:00Z",
  createdAt: "2026-11-30T10:00:00.000Z",
  updatedAt: "2026-11-30T10:00:00.000Z",
});

function setup(user: { sub: string } | null, respond: (request: Request) => Response) {
  const requests: string[] = [];
  const client = createApiClient({
    baseUrl: "http://api.test",
    getToken: () => (user ? "id-token" : undefined),
    fetch: (async (request: Request) => {
      requests.push(`${request.method} ${new URL(request.url).pathname}${request.headers.has("authorization") ? " (signed in)" : ""}`);
      return respond(request);
    }) as unknown as typeof fetch,
  });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const initialUser = user ? ({ profile: { sub: user.sub }, id_token: "id-token" } as unknown as User) : null;
  const wrapper = ({ children }: { children: ReactNode }) => (
    <AuthProvider manager={manager} initialUser={initialUser}>
      <QueryClientProvider client={queryClient}>
        <ApiClientProvider client={client}>
          <CartSessionProvider>{children}</CartSessionProvider>
        </ApiClientProvider>
      </QueryClientProvider>
    </AuthProvider>
  );
  return { requests, ...renderHook(() => useCartSession(), { wrapper }) };
}

describe("the cart session", () => {
  beforeEach(() => window.localStorage.clear());
  afterEach(() => window.localStorage.clear());

  it("gives a visitor an anonymous cart on the first add and keeps its id in localStorage", async () => {
    const { result, requests } = setup(null, (request) => {
      if (request.method === "POST" && request.url.endsWith("/carts")) return answer(201, cart("c-anon"));
      if (request.url.endsWith("/carts/c-anon")) return answer(200, cart("c-anon", [{ sku: "MUG-LOGO", quantity: 2 }]));
      if (request.method === "POST" && request.url.endsWith("/carts/c-anon/items")) return answer(200, cart("c-anon", [{ sku: "MUG-LOGO", quantity: 2 }]));
      return answer(404, { error: { code: "not_found", message: "cart not found" } });
    });
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    expect(result.current.cart).toBeNull();
    await act(() => result.current.addItem("MUG-LOGO", 2));
    expect(readAnonymousCartId()).toBe("c-anon");
    await waitFor(() => expect(result.current.cart?.itemCount).toBe(2));
    // Created and filled without a token; nothing was read before the cart existed.
    expect(requests.slice(0, 2)).toEqual(["POST /carts", "POST /carts/c-anon/items"]);
    expect(requests.every((r) => !r.includes("signed in"))).toBe(true);
  });

  it("forgets a stored cart that expired", async () => {
    rememberAnonymousCartId("c-old");
    const { result } = setup(null, () => answer(404, { error: { code: "not_found", message: "cart not found" } }));
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    expect(result.current.cart).toBeNull();
    expect(readAnonymousCartId()).toBeNull();
  });

  it("claims the visitor's cart on signing in, uses the cart the claim answers and forgets the anonymous id", async () => {
    rememberAnonymousCartId("c-anon");
    const { result, requests } = setup({ sub: "alice" }, (request) => {
      if (request.url.endsWith("/carts/c-anon/claim")) return answer(200, cart("c-alice", [{ sku: "MUG-LOGO", quantity: 3 }]));
      return answer(404, { error: { code: "not_found", message: "no open cart" } });
    });
    await waitFor(() => expect(result.current.cart?.cartId).toBe("c-alice"));
    expect(result.current.cart?.itemCount).toBe(3);
    expect(readAnonymousCartId()).toBeNull();
    expect(requests).toEqual(["POST /carts/c-anon/claim (signed in)"]);
  });

  it("reads the signed-in customer's current cart, and none is a 404", async () => {
    const { result, requests } = setup({ sub: "bob" }, () => answer(404, { error: { code: "not_found", message: "no open cart" } }));
    await waitFor(() => expect(result.current.isLoading).toBe(false));
    expect(result.current.cart).toBeNull();
    expect(requests).toEqual(["GET /carts/current (signed in)"]);
  });

  it("falls back to the current cart when the anonymous one is gone", async () => {
    rememberAnonymousCartId("c-gone");
    const { result, requests } = setup({ sub: "alice" }, (request) => {
      if (request.url.endsWith("/claim")) return answer(409, { error: { code: "cart_checked_out", message: "the cart has already been checked out" } });
      return answer(200, cart("c-current", [{ sku: "CAP-NAVY", quantity: 1 }]));
    });
    await waitFor(() => expect(result.current.cart?.cartId).toBe("c-current"));
    expect(readAnonymousCartId()).toBeNull();
    expect(requests).toEqual(["POST /carts/c-gone/claim (signed in)", "GET /carts/current (signed in)"]);
  });
});
