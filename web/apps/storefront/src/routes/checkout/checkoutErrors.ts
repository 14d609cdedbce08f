/**
 * What a refused checkout means to the shopper and what they can do next.
 * The service's own message is always shown as it says it; this adds the
 * way forward (choose shipping again, fix the address, review the cart…).
 */
import { formatMoney, isApiError, type Money } from "@order-service/api";

export type NextStep =
  /** The shipping option's price changed or it no longer serves the cart: pick one again. */
  | "choose_shipping"
  /** The address is missing or nobody ships there: change it. */
  | "edit_address"
  /** Lines are unavailable, out of stock or the cart is empty: go back to the cart. */
  | "review_cart"
  /** The promotion stopped applying: remove it (or go back to the cart). */
  | "remove_promotion"
  /** The total changed: look at the new one and place the order again. */
  | "review_total"
  /** Nothing changed on our side: the same attempt can be sent again. */
  | "retry"
  /** The cart is no longer this one (checked out elsewhere, changed meanwhile). */
  | "reload_cart"
  /** A field is wrong: it is marked beside the field. */
  | "fix_fields"
  | "none";

export interface CheckoutProblem {
  /** The service's words (or the network's). */
  message: string;
  /** What to do about it, in a sentence. */
  hint: string;
  next: NextStep;
  /** Whether the cart should be read again (its prices, options or totals moved). */
  refreshCart: boolean;
}

function money(value: unknown): string | null {
  if (typeof value !== "object" || value === null) return null;
  const m = value as Partial<Money>;
  return typeof m.amount === "number" && typeof m.currency === "string" ? formatMoney({ amount: m.amount, currency: m.currency }) : null;
}

export function checkoutProblem(error: unknown): CheckoutProblem {
  if (!isApiError(error)) {
    return { message: error instanceof Error ? error.message : String(error), hint: "Please try again.", next: "retry", refreshCart: false };
  }
  const message = error.message;
  const details = error.details ?? {};
  switch (error.code) {
    case "shipping_price_changed": {
      const price = money(details.price);
      return {
        message,
        hint: `The delivery price has changed${price ? ` to ${price}` : ""}. Choose your delivery option again, check the total, then place the order.`,
        next: "choose_shipping",
        refreshCart: true,
      };
    }
    case "shipping_option_unavailable":
    case "shipping_option_required":
      return { message, hint: "Choose a delivery option for this address, then place the order.", next: "choose_shipping", refreshCart: true };
    case "shipping_address_required":
    case "destination_not_served":
      return { message, hint: "We cannot deliver to this address. Enter another shipping address.", next: "edit_address", refreshCart: true };
    case "total_changed": {
      const total = money(details.total);
      return {
        message,
        hint: `The total is now ${total ?? "different"}. Check it below, then place the order again.`,
        next: "review_total",
        refreshCart: true,
      };
    }
    case "items_unavailable":
    case "insufficient_stock":
    case "cart_empty":
      return { message, hint: "Review your cart: change or remove what cannot be bought now.", next: "review_cart", refreshCart: true };
    case "cart_checked_out":
    case "cart_changed":
      return { message, hint: "Your cart changed while checking out. Review it and try again.", next: "reload_cart", refreshCart: true };
    case "invalid_field":
      return { message, hint: "Correct the highlighted field and try again.", next: "fix_fields", refreshCart: false };
    case "card_data_not_accepted":
      return { message, hint: "Card numbers are never typed into our fields: choose a payment method below.", next: "none", refreshCart: false };
    case "idempotency_key_reused":
      return { message, hint: "Please place the order again.", next: "retry", refreshCart: false };
    case "unavailable":
    case "network":
    case "internal":
      return { message, hint: "Nothing was charged twice: placing the order again is safe.", next: "retry", refreshCart: false };
    case "unauthorized":
      return { message, hint: "Your sign-in has ended: sign in again to place the order.", next: "none", refreshCart: false };
    default:
      if (error.code.startsWith("promotion_")) {
        return { message, hint: "Your promotion code no longer applies. Remove it to check out at the full price.", next: "remove_promotion", refreshCart: true };
      }
      return { message, hint: error.status >= 500 ? "Please try again in a moment." : "Review your order and try again.", next: error.status >= 500 ? "retry" : "none", refreshCart: error.status === 409 };
  }
}
