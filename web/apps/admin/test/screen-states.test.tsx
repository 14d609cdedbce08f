import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { Component as InventoryPage } from "../src/routes/inventory/InventoryPage";
import { Component as OrderListPage } from "../src/routes/orders/OrderListPage";
import { Component as PaymentListPage } from "../src/routes/payments/PaymentListPage";
import { Component as ReturnQueuePage } from "../src/routes/returns/ReturnQueuePage";
import { answer, renderWithApi } from "./render";

describe("a list screen", () => {
  it("shows that it is loading, then that nothing matches", async () => {
    renderWithApi(<OrderListPage />, () => answer(200, { items: [], nextCursor: null }));
    expect(screen.getByRole("status")).toHaveTextContent("Loading orders…");
    expect(await screen.findByText("No orders match these filters.")).toBeInTheDocument();
  });

  it("shows the service's error as it says it, and tries again on request", async () => {
    const user = userEvent.setup();
    let calls = 0;
    renderWithApi(<ReturnQueuePage />, () => {
      calls += 1;
      return calls === 1
        ? answer(403, { error: { code: "forbidden", message: "this needs the admin group" } })
        : answer(200, { items: [], nextCursor: null });
    });
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The returns could not be loaded. this needs the admin group (forbidden)");
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("No returns are waiting.")).toBeInTheDocument();
  });

  it("shows a rule the request broke (422) as the server says it, as it shows a 400", async () => {
    renderWithApi(<OrderListPage />, () =>
      answer(422, { error: { code: "invalid_filter", message: "status cannot be combined with email" } }),
    );
    expect(await screen.findByRole("alert")).toHaveTextContent("status cannot be combined with email (invalid_filter)");
  });

  it("shows API Gateway's own refusal too", async () => {
    renderWithApi(<InventoryPage />, () => answer(401, { message: "Unauthorized" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Unauthorized (unauthorized)");
  });

  it("lists rows with links to their detail", async () => {
    renderWithApi(<InventoryPage />, () =>
      answer(200, {
        items: [{ sku: "MUG-LOGO", name: "Logo mug", active: true, onHand: 3, reserved: 1, available: 2, lowStockThreshold: 3, lowStock: true }],
        nextCursor: "c2",
      }),
    );
    expect(await screen.findByRole("link", { name: "MUG-LOGO" })).toHaveAttribute("href", "/inventory/MUG-LOGO");
    expect(screen.getByRole("row", { name: /MUG-LOGO/ })).toHaveTextContent("LOW");
    expect(screen.getByRole("button", { name: "Next page" })).toBeEnabled();
    expect(screen.getByRole("button", { name: "Previous page" })).toBeDisabled();
  });

  it("shows each payment with its amount, card and reference, linked to its order", async () => {
    renderWithApi(<PaymentListPage />, () =>
      answer(200, {
        items: [
          {
            eventId: "o-1:refund#1250",
            kind: "refund",
            orderId: "0193f7a2-8c4d-7e21-b5a0-4c3d2e1f0a9b",
            orderNumber: "ORD-000042",
            amount: { amount: 1250, currency: "USD" },
            methodType: "card",
            brand: "visa",
            last4: "4242",
            reference: "re_123",
            declineCode: null,
            reason: "too small",
            at: "2026-11-22T10:00:00.000Z",
          },
        ],
        nextCursor: null,
      }),
    );
    const row = await screen.findByRole("row", { name: /ORD-000042/ });
    expect(row).toHaveTextContent("REFUND");
    expect(row).toHaveTextContent("$12.50");
    expect(row).toHaveTextContent("card · visa · •••• 4242");
    expect(row).toHaveTextContent("re_123");
    expect(screen.getByRole("link", { name: "ORD-000042" })).toHaveAttribute("href", "/orders/0193f7a2-8c4d-7e21-b5a0-4c3d2e1f0a9b");
  });
});

describe("the order filters", () => {
  it("look an order number up on its own and an e-mail with its dates, as the API's indexes allow", async () => {
    const { orderQuery, orderNumberOf } = await import("../src/routes/orders/OrderListPage");
    expect(orderNumberOf("42")).toBe("ORD-000042");
    expect(orderNumberOf("ord-000042")).toBe("ORD-000042");
    expect(orderNumberOf("ada@example.com")).toBeUndefined();
    const f = { status: "PAID", from: "2026-11-01", to: "2026-11-30" };
    expect(orderQuery({ ...f, q: "ORD-000042" }, "c1")).toEqual({ query: { limit: 20, orderNumber: "ORD-000042" }, ignored: "status and dates" });
    expect(orderQuery({ ...f, q: "ada@example.com" })).toEqual({
      query: { limit: 20, from: "2026-11-01", to: "2026-11-30", email: "ada@example.com" },
      ignored: "status",
    });
    expect(orderQuery({ ...f, q: "" }, "c1").query).toEqual({ limit: 20, cursor: "c1", from: "2026-11-01", to: "2026-11-30", status: "PAID" });
  });
});
