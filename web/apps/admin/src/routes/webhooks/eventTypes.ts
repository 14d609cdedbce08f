/** The domain events a subscription can choose, in the order the contract lists them, with what each reports. */
import { DomainEventTypeValues, type DomainEventType } from "@order-service/api";

export const EVENT_TYPES: readonly DomainEventType[] = DomainEventTypeValues;

/** One line each, as an administrator choosing events reads it. */
export const EVENT_TYPE_DESCRIPTIONS = {
  OrderPlaced: "A customer placed an order.",
  OrderPaid: "An order's payment was captured.",
  OrderPaymentFailed: "An order's payment was declined.",
  OrderRejected: "An order was refused (for example, its stock was gone).",
  OrderBackordered: "An order waits for stock to arrive.",
  OrderShipped: "An order left the warehouse with a carrier.",
  OrderDelivered: "The carrier delivered an order.",
  OrderCancelled: "An order was cancelled.",
  RefundIssued: "Money went back to a customer.",
  ReturnRequested: "A customer asked to return items.",
  ReturnReceived: "Returned items arrived at the warehouse.",
  StockAdjusted: "Stock was received, written off or restocked from a return.",
  StockLow: "A product fell to its low-stock threshold.",
  CustomerErased: "A customer's personal data was erased.",
} as const satisfies Record<DomainEventType, string>;

/** The chosen types as a list reads them: "All 14 events" when every one is chosen. */
export function describeEventTypes(types: readonly DomainEventType[]): string {
  if (types.length === 0) return "None";
  if (EVENT_TYPES.every((t) => types.includes(t))) return `All ${EVENT_TYPES.length} events`;
  // The contract's order, whatever order they were chosen in.
  return EVENT_TYPES.filter((t) => types.includes(t)).join(", ");
}
