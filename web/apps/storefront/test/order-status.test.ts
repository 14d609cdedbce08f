import { availabilityOf, type Order } from "@order-service/api";
import { describe, expect, it } from "vitest";
import { canRequestReturn, failureReason, progressIndex, returnableUnits, statusText } from "../src/lib/orderStatus";

const delivered = (returnsUntil: string): Pick<Order, "status" | "returnsUntil" | "lines" | "returns"> => ({
  status: "DELIVERED",
  returnsUntil,
  lines: [
    { sku: "MUG-LOGO", name: "Logo mug", quantity: 2, unitPrice: { amount: 1400, currency: "USD" }, lineTotal: { amount: 2800, currency: "USD" } },
  ],
});

describe("an order's status for the shopper", () => {
  it("names every status of the contract in words", () => {
    expect(statusText("AWAITING_FULFILMENT").label).toBe("Being packed");
    expect(statusText("PAYMENT_FAILED").tone).toBe("danger");
    expect(progressIndex("AWAITING_FULFILMENT")).toBe(1);
    expect(progressIndex("CANCELLED")).toBeNull();
  });

  it("says why a payment failed, from the status history", () => {
    expect(
      failureReason({
        status: "PAYMENT_FAILED",
        statusHistory: [
          { status: "PENDING", at: "2026-11-30T09:31:46.146Z", reason: "checked out" },
          { status: "PAYMENT_FAILED", at: "2026-11-30T09:31:46.675Z", reason: "insufficient_funds: Your card has insufficient funds." },
        ],
      }),
    ).toEqual({ code: "insufficient_funds", message: "Your card has insufficient funds." });
    expect(failureReason({ status: "PAID", statusHistory: [] })).toBeNull();
  });

  it("offers a return until the service's returnsUntil, for units not already returned", () => {
    const order = delivered("2026-12-10T10:00:00Z");
    expect(canRequestReturn(order, new Date("2026-11-30T00:00:00Z"))).toBe(true);
    expect(canRequestReturn(order, new Date("2026-12-11T00:00:00Z"))).toBe(false);
    const returned = {
      ...order,
      returns: [
        { returnId: "r1", lines: [{ sku: "MUG-LOGO", quantity: 2 }], reason: "chipped", status: "REQUESTED" as const, requestedAt: "", updatedAt: "" },
      ],
    };
    expect(returnableUnits(returned).get("MUG-LOGO")).toBe(0);
    expect(canRequestReturn(returned, new Date("2026-11-30T00:00:00Z"))).toBe(false);
    const rejected = { ...returned, returns: [{ ...returned.returns[0]!, status: "REJECTED" as const }] };
    expect(returnableUnits(rejected).get("MUG-LOGO")).toBe(2);
  });
});

describe("a product's availability", () => {
  it("reads in stock, only N left, on backorder or sold out", () => {
    expect(availabilityOf({ available: 40, allowBackorder: false })).toEqual({ kind: "in_stock", available: 40 });
    expect(availabilityOf({ available: 3, allowBackorder: false })).toEqual({ kind: "few_left", available: 3 });
    expect(availabilityOf({ available: 0, allowBackorder: true })).toEqual({ kind: "backorder" });
    expect(availabilityOf({ available: 0, allowBackorder: false })).toEqual({ kind: "sold_out" });
  });
});
