import type { AdminOrder, components } from "@order-service/api";

export type CarrierEvent = components["schemas"]["CarrierEvent"];
type StatusChange = AdminOrder["statusHistory"][number];

/** One line of an order's timeline: a status the service recorded, or an event the carrier reported. */
export type TimelineEntry =
  | { kind: "status"; key: string; at: string; change: StatusChange }
  | { kind: "carrier"; key: string; at: string; event: CarrierEvent };

/** When, as a number to sort by; a time that cannot be read goes last. */
function instant(at: string): number {
  const ms = Date.parse(at);
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

/**
 * The status history and the carrier's events, oldest first. Times are
 * compared as instants (the carrier may state its own offset). At the same
 * instant the carrier's event comes first, since a status such as DELIVERED
 * follows from it; otherwise each list keeps its own order.
 */
export function orderTimeline(order: Pick<AdminOrder, "statusHistory" | "trackingEvents">): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...order.statusHistory.map((change, index): TimelineEntry => ({
      kind: "status",
      key: `status-${index}-${change.status}`,
      at: change.at,
      change,
    })),
    ...order.trackingEvents.map((event): TimelineEntry => ({ kind: "carrier", key: `carrier-${event.eventId}`, at: event.at, event })),
  ];
  // Array.prototype.sort is stable, so equal entries keep their list's order.
  return entries.sort((a, b) => instant(a.at) - instant(b.at) || (a.kind === b.kind ? 0 : a.kind === "carrier" ? -1 : 1));
}

const CARRIER_EVENT_LABEL: Record<CarrierEvent["type"], string> = {
  in_transit: "In transit",
  out_for_delivery: "Out for delivery",
  delivered: "Delivered",
  exception: "Exception",
};

/** The carrier event's type in words. */
export function carrierEventLabel(type: CarrierEvent["type"]): string {
  return CARRIER_EVENT_LABEL[type];
}
