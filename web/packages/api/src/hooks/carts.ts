/**
 * Carts as a shopper uses them: read (by id, or the signed-in caller's
 * current one), create, change lines, promotion codes, shipping, claim an
 * anonymous cart on signing in, and check out. Every change answers the
 * priced cart, which the caller writes into the cache it reads from
 * (`onCart`): totals always come from the server.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { isApiError } from "../errors";
import { unwrap, type ApiClient, type OperationBody } from "../client";
import { useApiClient } from "../context";
import type { components } from "../generated/openapi";

export type Cart = components["schemas"]["Cart"];
export type CartLine = components["schemas"]["CartLine"];
export type ShippingQuote = components["schemas"]["ShippingQuote"];
export type AddressInput = components["schemas"]["AddressInput"];
export type CustomerInput = components["schemas"]["CustomerInput"];
export type CheckoutRequest = OperationBody<"checkout">;
export type CheckoutAccepted = components["schemas"]["CheckoutAccepted"];

export const cartKeys = {
  all: ["carts"] as const,
  detail: (cartId: string) => ["carts", "detail", cartId] as const,
  /** The signed-in caller's current cart, per user (`sub`). */
  current: (sub: string) => ["carts", "current", sub] as const,
  claim: (cartId: string, sub: string) => ["carts", "claim", cartId, sub] as const,
};

/** null for a 404: the cart expired, belongs to someone else, or (current) there is none. */
async function orNull<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (error) {
    if (isApiError(error) && error.status === 404) return null;
    throw error;
  }
}

export function useCart(cartId: string | null) {
  const client = useApiClient();
  return useQuery({
    queryKey: cartKeys.detail(cartId ?? ""),
    queryFn: () => orNull(unwrap(client.GET("/carts/{cartId}", { params: { path: { cartId: cartId ?? "" } } }))),
    enabled: Boolean(cartId),
  });
}

/** The signed-in caller's open cart from any device; null when they have none. */
export function useCurrentCart(sub: string | null, enabled = true) {
  const client = useApiClient();
  return useQuery({
    queryKey: cartKeys.current(sub ?? ""),
    queryFn: () => orNull(unwrap(client.GET("/carts/current"))),
    enabled: Boolean(sub) && enabled,
  });
}

/**
 * Claims an anonymous cart for the signed-in caller (merged into their open
 * cart if they have one): the resulting cart, or null when the anonymous
 * cart is gone (404: expired or someone else's; 409: already checked out).
 */
export function claimCart(client: ApiClient, cartId: string): Promise<Cart | null> {
  return unwrap(client.POST("/carts/{cartId}/claim", { params: { path: { cartId } } })).catch((error: unknown) => {
    if (isApiError(error) && (error.status === 404 || error.code === "cart_checked_out")) return null;
    throw error;
  });
}

export function createCart(client: ApiClient): Promise<Cart> {
  return unwrap(client.POST("/carts"));
}

export function addCartItem(client: ApiClient, cartId: string, body: OperationBody<"addCartItem">): Promise<Cart> {
  return unwrap(client.POST("/carts/{cartId}/items", { params: { path: { cartId } }, body }));
}

/** A cart change: what it sends, and the cart it answers goes to `onCart`. */
function useCartChange<V>(request: (client: ApiClient, variables: V) => Promise<Cart>, onCart: (cart: Cart) => void) {
  const client = useApiClient();
  return useMutation({
    mutationFn: (variables: V) => request(client, variables),
    onSuccess: onCart,
  });
}

export function useUpdateCartItem(cartId: string, onCart: (cart: Cart) => void) {
  return useCartChange(
    (client, { sku, quantity }: { sku: string; quantity: number }) =>
      unwrap(client.PATCH("/carts/{cartId}/items/{sku}", { params: { path: { cartId, sku } }, body: { quantity } })),
    onCart,
  );
}

export function useRemoveCartItem(cartId: string, onCart: (cart: Cart) => void) {
  return useCartChange(
    (client, sku: string) => unwrap(client.DELETE("/carts/{cartId}/items/{sku}", { params: { path: { cartId, sku } } })),
    onCart,
  );
}

export function useApplyPromotion(cartId: string, onCart: (cart: Cart) => void) {
  return useCartChange(
    (client, code: string) => unwrap(client.PUT("/carts/{cartId}/promotion", { params: { path: { cartId } }, body: { code } })),
    onCart,
  );
}

export function useRemovePromotion(cartId: string, onCart: (cart: Cart) => void) {
  return useCartChange(
    (client, _: void) => unwrap(client.DELETE("/carts/{cartId}/promotion", { params: { path: { cartId } } })),
    onCart,
  );
}

export function useSetShippingAddress(cartId: string, onCart: (cart: Cart) => void) {
  return useCartChange(
    (client, address: AddressInput) =>
      unwrap(client.PUT("/carts/{cartId}/shipping-address", { params: { path: { cartId } }, body: address })),
    onCart,
  );
}

export function useSetShippingOption(cartId: string, onCart: (cart: Cart) => void) {
  return useCartChange(
    (client, optionId: string) =>
      unwrap(client.PUT("/carts/{cartId}/shipping-option", { params: { path: { cartId } }, body: { optionId } })),
    onCart,
  );
}

/**
 * Checks the cart out. The caller keeps one Idempotency-Key per attempt
 * (the same cart and body) so a retry after a lost answer places one order.
 */
export function useCheckout(cartId: string) {
  const client = useApiClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: CheckoutRequest; idempotencyKey: string }) =>
      unwrap(
        client.POST("/carts/{cartId}/checkout", {
          params: { path: { cartId }, header: { "Idempotency-Key": idempotencyKey } },
          body,
        }),
      ),
  });
}
