/**
 * Order statuses in a shopper's words, and what each allows. The statuses
 * themselves are the contract's (OrderStatus, generated).
 */
import type { Order, OrderStatus } from "@order-service/api";

interface StatusText {
  label: string;
  /** One sentence about what happens now. */
  description: string;
  tone: "neutral" | "info" | "warning" | "success" | "danger";
}

export const STATUS_TEXT: Record<OrderStatus, StatusText> = {
  PENDING: { label: "Order received", description: "We have your order and are reserving your items.", tone: "neutral" },
  BACKORDERED: {
    label: "Waiting for stock",
    description: "Some items are on backorder: we will reserve them and take payment as soon as they arrive.",
    tone: "warning",
  },
  RESERVED: { label: "Taking payment", description: "Your items are reserved and we are taking payment.", tone: "info" },
  PAID: { label: "Paid", description: "Payment received. Thank you!", tone: "info" },
  AWAITING_FULFILMENT: { label: "Being packed", description: "Paid, and waiting in our warehouse to be packed and shipped.", tone: "info" },
  SHIPPED: { label: "Shipped", description: "Your parcel is on its way.", tone: "info" },
  DELIVERED: { label: "Delivered", description: "Your parcel was delivered.", tone: "success" },
  REJECTED: { label: "Not available", description: "We could not reserve your items, so nothing was charged.", tone: "danger" },
  PAYMENT_FAILED: { label: "Payment failed", description: "The payment did not go through, so nothing was charged.", tone: "danger" },
  CANCELLED: { label: "Cancelled", description: "This order was cancelled; anything charged is refunded.", tone: "neutral" },
  PARTIALLY_REFUNDED: { label: "Partly refunded", description: "Part of this order was refunded.", tone: "warning" },
  REFUNDED: { label: "Refunded", description: "This order was refunded.", tone: "neutral" },
};

export function statusText(status: string): StatusText {
  return STATUS_TEXT[status as OrderStatus] ?? { label: status.replaceAll("_", " ").toLowerCase(), description: "", tone: "neutral" };
}

/** The statuses a customer may still cancel in (POST /orders/{id}/cancel): before the order ships. */
export const CANCELLABLE: ReadonlySet<string> = new Set<OrderStatus>(["PENDING", "BACKORDERED", "RESERVED", "PAID", "AWAITING_FULFILMENT"]);

/** The steps of an order that goes well, for the progress bar. */
export const PROGRESS_STEPS = [
  { key: "placed", label: "Placed" },
  { key: "paid", label: "Paid" },
  { key: "shipped", label: "Shipped" },
  { key: "delivered", label: "Delivered" },
] as const;

/** How far along the progress bar the order is (index of the last step reached), or null for an order that did not go through. */
export function progressIndex(status: string): number | null {
  switch (status) {
    case "PENDING":
    case "BACKORDERED":
    case "RESERVED":
      return 0;
    case "PAID":
    case "AWAITING_FULFILMENT":
      return 1;
    case "SHIPPED":
      return 2;
    case "DELIVERED":
    case "PARTIALLY_REFUNDED":
    case "REFUNDED":
      return 3;
    default:
      return null;
  }
}

/**
 * Why the order failed, from its status history: the reason recorded with
 * PAYMENT_FAILED (`"insufficient_funds: Your card has insufficient funds."`)
 * or REJECTED, split into the gateway's code and its sentence.
 */
export function failureReason(order: Pick<Order, "status" | "statusHistory">): { code: string | null; message: string } | null {
  if (order.status !== "PAYMENT_FAILED" && order.status !== "REJECTED") return null;
  const change = [...order.statusHistory].reverse().find((c) => c.status === order.status);
  const reason = change?.reason?.trim();
  if (!reason) return null;
  const match = /^([a-z0-9_]+):\s*(.+)$/s.exec(reason);
  return match?.[1] && match[2] ? { code: match[1], message: match[2] } : { code: null, message: reason };
}

/** The last moment a return may be asked for, as the service says (`returnsUntil`, once delivered), or null. */
export function returnWindowEnd(order: Pick<Order, "returnsUntil">): Date | null {
  if (!order.returnsUntil) return null;
  const end = new Date(order.returnsUntil);
  return Number.isNaN(end.getTime()) ? null : end;
}

/** Units of each SKU that can still be returned: bought, less those in returns that were not rejected. */
export function returnableUnits(order: Pick<Order, "lines" | "returns">): Map<string, number> {
  const left = new Map(order.lines.map((line) => [line.sku, line.quantity]));
  for (const ret of order.returns ?? []) {
    if (ret.status === "REJECTED") continue;
    for (const line of ret.lines) left.set(line.sku, Math.max(0, (left.get(line.sku) ?? 0) - line.quantity));
  }
  return left;
}

/** Whether a return can be asked for now: delivered, not fully refunded, inside the window, something left to return. */
export function canRequestReturn(order: Pick<Order, "status" | "returnsUntil" | "lines" | "returns">, now = new Date()): boolean {
  if (order.status !== "DELIVERED" && order.status !== "PARTIALLY_REFUNDED") return false;
  const end = returnWindowEnd(order);
  if (!end || now > end) return false;
  return [...returnableUnits(order).values()].some((n) => n > 0);
}
