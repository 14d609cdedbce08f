import type { AdminOrder, Return } from "@order-service/api";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { OrderTotals } from "../src/routes/orders/OrderDetailPage";
import { ReturnCard, shippingRefundable } from "../src/routes/orders/ReturnCard";
import { answer, renderWithApi } from "./render";

const usd = (amount: number) => ({ amount, currency: "USD" });

const order = {
  orderId: "0193f7a2-8c4d-7e21-b5a0-4c3d2e1f0a9b",
  orderNumber: "ORD-000042",
  status: "DELIVERED",
  lines: [{ sku: "MUG-LOGO", name: "Logo mug", quantity: 2, unitPrice: usd(1400), lineTotal: usd(2800), discount: usd(280), tax: usd(183) }],
  subtotal: usd(2800),
  discount: usd(280),
  shipping: usd(900),
  tax: usd(248),
  taxIncluded: false,
  total: usd(3668),
  promotion: { code: "TEN", discount: usd(280) },
  shippingOption: { optionId: "o1", name: "Standard", carrierService: "Ground", price: usd(900), tax: usd(65) },
  refunds: [],
  returns: [],
} as unknown as AdminOrder;

/** The definition beside a term of the totals. */
function figure(term: string | RegExp) {
  const dt = screen.getByText(term, { selector: "dt, dt *" }).closest("dt")!;
  return dt.nextElementSibling?.textContent;
}

describe("an order's totals", () => {
  it("show subtotal, discount, shipping with its option, tax and total", () => {
    render(<OrderTotals order={order} />);
    expect(figure("Subtotal")).toBe("$28.00");
    expect(figure(/^Discount/)).toBe("−$2.80");
    expect(figure(/^Shipping/)).toBe("$9.00");
    expect(screen.getByText("Standard · Ground")).toBeInTheDocument();
    expect(figure("Tax")).toBe("$2.48");
    expect(figure("Total")).toBe("$36.68");
  });

  it("say when the tax is included in the prices", () => {
    render(<OrderTotals order={{ ...order, taxIncluded: true }} />);
    expect(figure("Tax (incl.)")).toBe("$2.48");
  });
});

describe("receiving a return", () => {
  const ret = { returnId: "9d1e4c7a-0000-4000-8000-000000000001", lines: [{ sku: "MUG-LOGO", quantity: 1 }], reason: "chipped", status: "APPROVED", requestedAt: "2026-11-22T10:00:00Z", updatedAt: "2026-11-22T10:00:00Z" } satisfies Return;

  it("refunds the shipping too when asked", async () => {
    const user = userEvent.setup();
    const bodies: unknown[] = [];
    renderWithApi(<ReturnCard order={order} ret={ret} />, async (request) => {
      bodies.push(await request.json());
      return answer(200, { ...ret, status: "REFUNDED" });
    });
    const form = screen.getByRole("form", { name: /Receive return/ });
    await user.click(within(form).getByLabelText("Refund shipping too"));
    await user.click(within(form).getByRole("button", { name: "Receive and refund" }));
    await waitFor(() => expect(bodies).toHaveLength(1));
    expect(bodies).toEqual([{ lines: [{ sku: "MUG-LOGO", disposition: "RESTOCK" }], refundShipping: true }]);
  });

  it("offers the shipping once per order", () => {
    expect(shippingRefundable(order)).toBe("refundable");
    expect(shippingRefundable({ ...order, refunds: [{ key: "k", amount: usd(965), reason: "r", status: "SUCCEEDED", at: "", shipping: usd(965) }] })).toBe("refunded");
    expect(shippingRefundable({ ...order, shipping: usd(0) })).toBe("none");
  });
});
