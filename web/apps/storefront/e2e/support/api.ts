/**
 * Set-up steps over the real API, shared with the dashboard's journeys
 * (tokens from the stack's identity provider, orders placed through carts
 * and checkout, shipping as an administrator, signed carrier events), and
 * the storefront's own.
 */
import { expect } from "@playwright/test";
import { call, tokenFor } from "../../../admin/e2e/support/api";

export {
  adminOrder,
  call,
  deliver,
  placeOrder,
  placeOrderOf,
  shipOrder,
  shipWhenQueued,
  SPRINGFIELD,
  tokenFor,
  waitForStatus,
  type AdminOrder,
  type PlacedOrder,
} from "../../../admin/e2e/support/api";

export type Cart = { cartId: string; status: string; lines: { sku: string; name: string; quantity: number }[] };

/** A customer's current cart as the API has it, or null (404: none). */
export async function currentCart(customer: "alice" | "bob"): Promise<Cart | null> {
  try {
    return await call<Cart>("GET", "/carts/current", await tokenFor(customer));
  } catch (error) {
    if (String(error).includes("answered 404")) return null;
    throw error;
  }
}

/** Checks out (and so closes) a customer's open cart, if any, so a journey starts without one. */
export async function emptyCurrentCart(customer: "alice" | "bob") {
  const cart = await currentCart(customer);
  if (!cart) return;
  for (const line of cart.lines) await call("DELETE", `/carts/${cart.cartId}/items/${line.sku}`, await tokenFor(customer));
  const after = await currentCart(customer);
  expect(after?.lines ?? []).toEqual([]);
}
