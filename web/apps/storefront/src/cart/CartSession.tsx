/**
 * The shopper's cart, wherever it lives:
 *
 * - a visitor's cart is anonymous (created without a token); its id is kept
 *   in localStorage (`storage.ts`) and read back with GET /carts/{id};
 * - a signed-in customer's cart is their current cart (GET /carts/current,
 *   404 = none yet), the same from any device;
 * - on signing in with an anonymous cart, POST /carts/{id}/claim binds it
 *   to the customer (merged into their open cart if they have one) before
 *   the current cart is read, and the anonymous id is forgotten;
 * - signing out forgets the id (App's onSignOut).
 *
 * Every change answers the priced cart, which replaces the cached one:
 * totals are the server's, never computed here.
 */
import {
  addCartItem,
  cartKeys,
  claimCart,
  createCart,
  isApiError,
  unwrap,
  useApiClient,
  type ApiClient,
  type Cart,
} from "@order-service/api";
import { useAuth } from "@order-service/auth";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useMemo, useSyncExternalStore, type ReactNode } from "react";
import { forgetAnonymousCartId, readAnonymousCartId, rememberAnonymousCartId, subscribeAnonymousCartId } from "./storage";

export interface CartSession {
  /** The open cart, null when there is none yet, undefined while it loads. */
  cart: Cart | null | undefined;
  isLoading: boolean;
  error: unknown;
  refetch: () => Promise<unknown>;
  /** Whether the cart is the signed-in customer's (else a visitor's). */
  signedIn: boolean;
  /** Replaces the cached cart with the one a change answered. */
  setCart: (cart: Cart | null) => void;
  /** Adds units, creating the cart first when there is none. */
  addItem: (sku: string, quantity: number) => Promise<Cart>;
  /** A new cart holding these lines (try again after a failed payment); the lines that could not be added, and why. */
  startCartWith: (lines: { sku: string; quantity: number }[]) => Promise<{ cart: Cart; problems: string[] }>;
}

const CartSessionContext = createContext<CartSession | null>(null);

/** The current cart of a signed-in customer, claiming the visitor's cart first if this browser has one. */
async function currentCart(client: ApiClient): Promise<Cart | null> {
  const anonymous = readAnonymousCartId();
  if (anonymous) {
    const claimed = await claimCart(client, anonymous);
    forgetAnonymousCartId();
    if (claimed && claimed.status === "OPEN") return claimed;
  }
  try {
    return await unwrap(client.GET("/carts/current"));
  } catch (error) {
    if (isApiError(error) && error.status === 404) return null;
    throw error;
  }
}

/** A visitor's cart by its stored id; a cart that is gone or no longer open is forgotten. */
async function anonymousCart(client: ApiClient, cartId: string): Promise<Cart | null> {
  try {
    const cart = await unwrap(client.GET("/carts/{cartId}", { params: { path: { cartId } } }));
    if (cart.status === "OPEN") return cart;
  } catch (error) {
    if (!(isApiError(error) && error.status === 404)) throw error;
  }
  if (readAnonymousCartId() === cartId) forgetAnonymousCartId();
  return null;
}

export function CartSessionProvider({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const sub = user?.profile.sub ?? null;
  const client = useApiClient();
  const queryClient = useQueryClient();
  const anonymousId = useSyncExternalStore(subscribeAnonymousCartId, readAnonymousCartId, () => null);

  const key = sub ? cartKeys.current(sub) : cartKeys.detail(anonymousId ?? "none");
  const query = useQuery({
    queryKey: key,
    queryFn: () => (sub ? currentCart(client) : anonymousId ? anonymousCart(client, anonymousId) : Promise.resolve(null)),
  });

  // The cart goes into the cache before a visitor's id is stored: the id names
  // the query, so the page reads the cart it was given rather than fetching it.
  const setCart = useCallback(
    (cart: Cart | null) => {
      if (sub) {
        queryClient.setQueryData(cartKeys.current(sub), cart);
        return;
      }
      queryClient.setQueryData(cartKeys.detail(cart?.cartId ?? anonymousId ?? "none"), cart);
      if (cart) rememberAnonymousCartId(cart.cartId);
    },
    [queryClient, sub, anonymousId],
  );

  const newCart = useCallback(() => createCart(client), [client]);

  const addItem = useCallback(
    async (sku: string, quantity: number) => {
      let cart = query.data ?? null;
      if (!cart) cart = await newCart();
      let updated: Cart;
      try {
        updated = await addCartItem(client, cart.cartId, { sku, quantity });
      } catch (error) {
        // The cart expired or was checked out elsewhere meanwhile: start a new one.
        if (!(isApiError(error) && (error.status === 404 || error.code === "cart_checked_out"))) throw error;
        updated = await addCartItem(client, (await newCart()).cartId, { sku, quantity });
      }
      setCart(updated);
      return updated;
    },
    [client, newCart, query.data, setCart],
  );

  const startCartWith = useCallback(
    async (lines: { sku: string; quantity: number }[]) => {
      let cart = await newCart();
      const problems: string[] = [];
      for (const line of lines) {
        try {
          cart = await addCartItem(client, cart.cartId, line);
        } catch (error) {
          problems.push(`${line.sku}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      setCart(cart);
      return { cart, problems };
    },
    [client, newCart, setCart],
  );

  const value = useMemo<CartSession>(
    () => ({
      cart: query.data,
      isLoading: query.isPending,
      error: query.error,
      refetch: query.refetch,
      signedIn: Boolean(sub),
      setCart,
      addItem,
      startCartWith,
    }),
    [query.data, query.isPending, query.error, query.refetch, sub, setCart, addItem, startCartWith],
  );
  return <CartSessionContext.Provider value={value}>{children}</CartSessionContext.Provider>;
}

export function useCartSession(): CartSession {
  const session = useContext(CartSessionContext);
  if (!session) throw new Error("useCartSession needs a <CartSessionProvider> above it");
  return session;
}
