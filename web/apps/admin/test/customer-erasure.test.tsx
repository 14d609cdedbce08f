import type { AdminOrder } from "@order-service/api";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { CustomerErasure } from "../src/routes/orders/CustomerErasure";
import { answer, renderWithApi } from "./render";

const order = { orderId: "0193f7a2-8c4d-7e21-b5a0-4c3d2e1f0a9b", customerSub: "bob", status: "CANCELLED" } as unknown as AdminOrder;
const pending = {
  customerSub: "bob",
  status: "PENDING",
  source: "ADMIN",
  requestedAt: "2026-11-30T12:00:00.000Z",
  updatedAt: "2026-11-30T12:00:00.000Z",
  completedAt: null,
  ordersErased: 1,
  ordersWaiting: 2,
};
const complete = { ...pending, status: "COMPLETE", completedAt: "2026-11-30T12:00:05.000Z", ordersErased: 3, ordersWaiting: 0 };

describe("erasing the order's customer", () => {
  it("asks first, explaining what goes and what stays, then follows the erasure until it is complete", async () => {
    const user = userEvent.setup();
    const calls: string[] = [];
    let reads = 0;
    renderWithApi(<CustomerErasure order={order} />, (request) => {
      const path = new URL(request.url).pathname;
      calls.push(`${request.method} ${path}`);
      if (request.method === "POST") return answer(202, pending);
      reads += 1;
      // None asked before the first read; then pending once, then complete.
      if (reads === 1) return answer(404, { error: { code: "not_found", message: "erasure not found" } });
      return answer(200, reads === 2 ? pending : complete);
    });
    await user.click(await screen.findByRole("button", { name: "Erase personal data" }));
    const dialog = screen.getByRole("dialog", { name: "Erase this customer's personal data?" });
    expect(dialog).toHaveTextContent("removes the name, e-mail, phone and addresses");
    expect(dialog).toHaveTextContent("orders, carts and webhook deliveries");
    expect(dialog).toHaveTextContent("Amounts, order lines, dates and order numbers are kept");
    expect(dialog).toHaveTextContent("Orders still in progress are erased when they end.");
    expect(dialog).toHaveTextContent("This cannot be undone.");
    expect(calls).not.toContain("POST /admin/customers/bob/erase");
    await user.click(within(dialog).getByRole("button", { name: "Erase personal data" }));
    expect(await screen.findByText(/2 orders still in progress: each is erased when it ends\./)).toBeInTheDocument();
    expect(screen.getByText(/1 order erased so far/)).toBeInTheDocument();
    expect(calls).toContain("POST /admin/customers/bob/erase");
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("COMPLETE"), { timeout: 4_000 });
    expect(screen.getByRole("status")).toHaveTextContent("3 orders erased");
  });

  it("keeps the customer's data when the administrator thinks again", async () => {
    const user = userEvent.setup();
    const { fetch } = renderWithApi(<CustomerErasure order={order} />, () => answer(404, { error: { code: "not_found", message: "erasure not found" } }));
    await user.click(await screen.findByRole("button", { name: "Erase personal data" }));
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(fetch.mock.calls.every(([request]) => request.method === "GET")).toBe(true);
  });

  it("says when the customer's data was erased already", async () => {
    renderWithApi(<CustomerErasure order={{ ...order, erasedAt: complete.completedAt }} />, () => answer(200, complete));
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("COMPLETE"));
    expect(screen.queryByRole("button", { name: /Erase personal data/ })).not.toBeInTheDocument();
  });
});
