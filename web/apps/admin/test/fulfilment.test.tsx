import type { AdminOrder } from "@order-service/api";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { Component as FulfilmentQueuePage } from "../src/routes/fulfilment/FulfilmentQueuePage";
import { Component as PickListPage } from "../src/routes/fulfilment/PickListPage";
import { shipSchema } from "../src/routes/fulfilment/ShipOrderForm";
import { Component as SettingsPage } from "../src/routes/settings/SettingsPage";
import { answer, renderWithApi } from "./render";

const usd = (amount: number) => ({ amount, currency: "USD" });

const waiting = {
  orderId: "0193f7a2-8c4d-7e21-b5a0-4c3d2e1f0a9b",
  orderNumber: "ORD-000042",
  status: "AWAITING_FULFILMENT",
  customer: { name: "Ada Lovelace", email: "ada@example.com", phone: null },
  shippingAddress: { line1: "1 Main St", line2: null, city: "Springfield", region: "IL", postalCode: "62701", country: "US" },
  billingAddress: null,
  lines: [{ sku: "MUG-LOGO", name: "Logo mug", quantity: 2, unitPrice: usd(1400), lineTotal: usd(2800) }],
  subtotal: usd(2800),
  discount: usd(0),
  shipping: usd(500),
  tax: usd(239),
  taxIncluded: false,
  total: usd(3539),
  shippingOption: { optionId: "o1", name: "Standard", carrierService: "Ground", price: usd(500), tax: usd(36) },
  statusHistory: [
    { status: "PENDING", at: "2026-11-22T10:00:00.000Z" },
    { status: "AWAITING_FULFILMENT", at: "2026-11-22T10:00:02.000Z" },
  ],
  trackingEvents: [],
  createdAt: "2026-11-22T10:00:00.000Z",
  updatedAt: "2026-11-22T10:00:02.000Z",
} as unknown as AdminOrder;

describe("what shipping sends", () => {
  it("is empty for the shop's carrier", () => {
    expect(shipSchema.parse({ otherCarrier: false, carrier: "x", trackingNumber: "", trackingUrl: "" })).toEqual({});
  });

  it("is all three of carrier, tracking number and page for another carrier, checked as the API checks them", () => {
    expect(
      shipSchema.parse({ otherCarrier: true, carrier: " Parcel Co ", trackingNumber: "1Z999AA1", trackingUrl: "https://track.parcel.example/1Z999AA1" }),
    ).toEqual({ carrier: "Parcel Co", trackingNumber: "1Z999AA1", trackingUrl: "https://track.parcel.example/1Z999AA1" });
    const refused = shipSchema.safeParse({ otherCarrier: true, carrier: "", trackingNumber: "-12 34", trackingUrl: "ftp://x" });
    expect(refused.error?.issues.map((i) => i.path.join("."))).toEqual(["carrier", "trackingNumber", "trackingUrl"]);
  });
});

describe("the fulfilment queue", () => {
  it("lists each waiting order with its lines, address and option, and ships one with the shop's carrier", async () => {
    const user = userEvent.setup();
    let shipped = false;
    const bodies: unknown[] = [];
    renderWithApi(<FulfilmentQueuePage />, async (request) => {
      const url = new URL(request.url);
      if (url.pathname === "/admin/settings") return answer(200, { pricesIncludeTax: false, fulfilmentMode: "MANUAL", version: 0, updatedAt: null });
      if (request.method === "POST") {
        bodies.push(await request.json());
        shipped = true;
        return answer(200, { ...waiting, status: "SHIPPED", shipment: { carrier: "Local Carrier", trackingNumber: "LC1", trackingUrl: "https://t.example/LC1", shippedAt: "2026-11-22T11:00:00Z" } });
      }
      return answer(200, shipped ? { items: [], nextCursor: null, pickList: [] } : { items: [waiting], nextCursor: null, pickList: [] });
    });
    const order = await screen.findByRole("article", { name: "ORD-000042" });
    expect(order).toHaveTextContent("2 × Logo mug (MUG-LOGO)");
    expect(order).toHaveTextContent("62701 Springfield, IL");
    expect(order).toHaveTextContent("Standard · Ground");
    await user.click(within(order).getByRole("button", { name: "Ship" }));
    expect(await screen.findByText("No orders are waiting to be shipped.")).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("ORD-000042 shipped with Local Carrier, tracking LC1.");
    expect(bodies).toEqual([{}]);
  });

  it("keeps a refused shipment's order in the queue and says why, as the API says it", async () => {
    const user = userEvent.setup();
    renderWithApi(<FulfilmentQueuePage />, (request) => {
      if (new URL(request.url).pathname === "/admin/settings") return answer(200, { pricesIncludeTax: false, fulfilmentMode: "MANUAL", version: 0, updatedAt: null });
      if (request.method === "POST")
        return answer(409, { error: { code: "shipment_refused", message: "the carrier does not serve this address" } });
      return answer(200, { items: [waiting], nextCursor: null, pickList: [] });
    });
    const order = await screen.findByRole("article", { name: "ORD-000042" });
    await user.click(within(order).getByRole("button", { name: "Ship" }));
    expect(await within(order).findByRole("alert")).toHaveTextContent("the carrier does not serve this address (shipment_refused)");
  });
});

describe("the pick list", () => {
  it("shows the units per SKU, the orders they go into and the total", async () => {
    renderWithApi(<PickListPage />, () =>
      answer(200, {
        items: [waiting, { ...waiting, orderId: "x", orderNumber: "ORD-000043" }],
        nextCursor: null,
        pickList: [
          { sku: "MUG-LOGO", name: "Logo mug", quantity: 3, orders: ["ORD-000042", "ORD-000043"] },
          { sku: "TEE-BLACK-M", name: "Black T-shirt (M)", quantity: 1, orders: ["ORD-000043"] },
        ],
      }),
    );
    const mug = await screen.findByRole("row", { name: /MUG-LOGO/ });
    expect(mug).toHaveTextContent("Logo mug3ORD-000042, ORD-000043");
    expect(screen.getByRole("row", { name: /^Total/ })).toHaveTextContent("Total42 orders");
    expect(screen.getByRole("button", { name: "Print" })).toBeInTheDocument();
  });
});

describe("the settings", () => {
  it("send the version they were read at, and say clearly when someone saved in between", async () => {
    const user = userEvent.setup();
    const bodies: unknown[] = [];
    let version = 3;
    renderWithApi(<SettingsPage />, async (request) => {
      if (request.method === "PUT") {
        bodies.push(await request.json());
        version = 4; // saved meanwhile by someone else
        return answer(409, { error: { code: "settings_changed", message: "the settings were changed since this version was read; read them again" } });
      }
      return answer(200, { pricesIncludeTax: version === 4, fulfilmentMode: "MANUAL", version, updatedAt: "2026-11-22T10:00:00.000Z" });
    });
    await user.click(await screen.findByLabelText(/^Automatic/));
    await user.click(screen.getByRole("button", { name: "Save settings" }));
    expect(bodies).toEqual([{ pricesIncludeTax: false, fulfilmentMode: "AUTOMATIC", version: 3 }]);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Someone else saved the settings after you opened them, so yours were not saved.");
    expect(alert).toHaveTextContent("(settings_changed)");
    await user.click(within(alert).getByRole("button", { name: "Load the saved settings" }));
    await waitFor(() => expect(screen.getByText(/^Version 4/)).toBeInTheDocument());
    expect(screen.getByLabelText("Prices include tax")).toBeChecked();
    expect(screen.getByLabelText(/^Manual/)).toBeChecked();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });
});
