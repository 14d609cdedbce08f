import type { AdminOrder } from "@order-service/api";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { RefundForm, remainingRefundable } from "../src/routes/orders/RefundForm";
import { answer, renderWithApi } from "./render";

const order = {
  orderId: "0193f7a2-8c4d-7e21-b5a0-4c3d2e1f0a9b",
  orderNumber: "ORD-000042",
  status: "DELIVERED",
  total: { amount: 5000, currency: "USD" },
  payment: {
    provider: "sandbox",
    status: "CAPTURED",
    amount: { amount: 5000, currency: "USD" },
    refunded: { amount: 1000, currency: "USD" },
    updatedAt: "2026-11-22T10:00:00.000Z",
  },
  refunds: [],
} as unknown as AdminOrder;

describe("the refund form", () => {
  it("knows what remains to refund", () => {
    expect(remainingRefundable(order)).toEqual({ amount: 4000, currency: "USD" });
  });

  it("refuses more than remains before asking the server", async () => {
    const user = userEvent.setup();
    const { fetch } = renderWithApi(<RefundForm order={order} remaining={remainingRefundable(order)} />, () => answer(500, {}));
    await user.type(screen.getByLabelText("Amount (USD)"), "40.01");
    await user.type(screen.getByLabelText("Reason"), "late parcel");
    await user.click(screen.getByRole("button", { name: "Refund" }));
    expect(await screen.findByText("At most $40.00 remains to refund")).toBeInTheDocument();
    expect(fetch).not.toHaveBeenCalled();
  });

  it("keeps one Idempotency-Key for a retried attempt and shows the server's refusal as it says it", async () => {
    const user = userEvent.setup();
    const keys: string[] = [];
    let calls = 0;
    renderWithApi(<RefundForm order={order} remaining={remainingRefundable(order)} />, (request) => {
      keys.push(request.headers.get("Idempotency-Key") ?? "");
      calls += 1;
      return calls === 1
        ? answer(503, { error: { code: "unavailable", message: "the payment gateway is unavailable; retry" } })
        : answer(422, { error: { code: "refund_exceeds_remaining", message: "only $35.00 remains refundable" } });
    });
    await user.type(screen.getByLabelText("Amount (USD)"), "40");
    await user.type(screen.getByLabelText("Reason"), "late parcel");
    await user.click(screen.getByRole("button", { name: "Refund" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("the payment gateway is unavailable; retry");
    await user.click(screen.getByRole("button", { name: "Refund" }));
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent("only $35.00 remains refundable"));
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(screen.getByLabelText("Amount (USD)")).toHaveValue("40");
  });

  it("starts a new attempt with a new key when the amount changes", async () => {
    const user = userEvent.setup();
    const keys: string[] = [];
    renderWithApi(<RefundForm order={order} remaining={remainingRefundable(order)} />, (request) => {
      keys.push(request.headers.get("Idempotency-Key") ?? "");
      return answer(503, { error: { code: "unavailable", message: "try again" } });
    });
    await user.type(screen.getByLabelText("Amount (USD)"), "10");
    await user.type(screen.getByLabelText("Reason"), "late parcel");
    await user.click(screen.getByRole("button", { name: "Refund" }));
    await screen.findByRole("alert");
    await user.clear(screen.getByLabelText("Amount (USD)"));
    await user.type(screen.getByLabelText("Amount (USD)"), "5");
    await user.click(screen.getByRole("button", { name: "Refund" }));
    await waitFor(() => expect(keys).toHaveLength(2));
    expect(keys[1]).not.toBe(keys[0]);
  });
});
