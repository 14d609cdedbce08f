import { describe, expect, it } from "vitest";
import { carrierEventLabel, orderTimeline } from "../src/routes/orders/timeline";

describe("the order's timeline", () => {
  it("merges the carrier's events with the status history by time, the carrier's first at the same instant", () => {
    const entries = orderTimeline({
      statusHistory: [
        { status: "PAID", at: "2026-11-30T10:00:00.000Z" },
        { status: "SHIPPED", at: "2026-11-30T10:05:00.000Z" },
        { status: "DELIVERED", at: "2026-11-30T12:00:00.000Z" },
      ],
      trackingEvents: [
        // The carrier states its own offset: 11:30 UTC.
        { eventId: "e1", type: "out_for_delivery", at: "2026-11-30T12:30:00+01:00", location: "Depot" },
        { eventId: "e2", type: "delivered", at: "2026-11-30T12:00:00.000Z", description: "Front door" },
      ],
    });
    expect(entries.map((e) => (e.kind === "status" ? e.change.status : e.event.eventId))).toEqual([
      "PAID",
      "SHIPPED",
      "e1",
      "e2",
      "DELIVERED",
    ]);
    expect(carrierEventLabel("out_for_delivery")).toBe("Out for delivery");
  });

  it("shows the statuses alone before shipment", () => {
    const entries = orderTimeline({ statusHistory: [{ status: "PENDING", at: "2026-11-30T10:00:00.000Z" }], trackingEvents: [] });
    expect(entries).toHaveLength(1);
  });
});
