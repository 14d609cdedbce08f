const TONE: Record<string, string> = {
  PENDING: "neutral",
  BACKORDERED: "warning",
  RESERVED: "info",
  PAID: "info",
  AWAITING_FULFILMENT: "warning",
  SHIPPED: "info",
  DELIVERED: "success",
  REJECTED: "danger",
  PAYMENT_FAILED: "danger",
  CANCELLED: "neutral",
  PARTIALLY_REFUNDED: "warning",
  REFUNDED: "neutral",
  REQUESTED: "warning",
  APPROVED: "info",
  RECEIVING: "info",
  CAPTURED: "success",
  DECLINED: "danger",
  capture: "success",
  decline: "danger",
  refund: "warning",
  // Webhook subscriptions and their deliveries (PENDING and DELIVERED read as an order's do).
  ACTIVE: "success",
  PAUSED: "neutral",
  FAILING: "danger",
  FAILED: "danger",
  // A customer's erasure.
  COMPLETE: "success",
};

/** A status as a word (never colour alone). */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${TONE[status] ?? "neutral"}`}>{status.replaceAll("_", " ").toUpperCase()}</span>;
}
