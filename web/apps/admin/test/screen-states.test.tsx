import { hasPayments } from "@order-service/api";
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

  it.skipIf(hasPayments)("says a screen is coming while the contract lacks its endpoint", () => {
    const { fetch } = renderWithApi(<PaymentListPage />, () => answer(500, {}));
    expect(screen.getByRole("status")).toHaveTextContent("Coming: the payments listing needs the listPayments endpoint");
    expect(fetch).not.toHaveBeenCalled();
  });
});
