import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { rememberAnonymousCartId } from "../src/cart/storage";
import { Component as CartPage } from "../src/routes/cart/CartPage";
import { answer, renderShop } from "./render";

const usd = (amount: number) => ({ amount, currency: "USD" });
const line = (sku: string, name: string, quantity: number, unit: number) => ({
  sku,
  name,
  quantity,
  unitPrice: usd(unit),
  lineTotal: usd(unit * quantity),
  discount: usd(0),
  tax: usd(0),
  available: 10,
  purchasable: true,
});
const cart = (lines: ReturnType<typeof line>[], totals: { subtotal: number; total: number }) => ({
  cartId: "c-anon",
  status: "OPEN",
  lines,
  itemCount: lines.reduce((n, l) => n + l.quantity, 0),
  subtotal: usd(totals.subtotal),
  discount: usd(0),
  shipping: usd(0),
  tax: usd(0),
  taxIncluded: false,
  total: usd(totals.total),
  shippingOptions: [],
  expiresAt: "2026-12-07T10:00:00Z",
  createdAt: "2026-11-30T10:00:00.000Z",
  updatedAt: "2026-11-30T10:00:00.000Z",
});

const routes = [{ path: "/cart", element: <CartPage /> }];

describe("a visitor's cart", () => {
  beforeEach(() => {
    window.localStorage.clear();
    rememberAnonymousCartId("c-anon");
  });

  it("shows the server's totals, changes a quantity and shows the server's reason for a promotion code that does not apply", async () => {
    const requests: string[] = [];
    renderShop({
      routes,
      path: "/cart",
      respond: async (request) => {
        const path = new URL(request.url).pathname;
        requests.push(`${request.method} ${path}${request.method === "GET" || request.method === "DELETE" ? "" : ` ${await request.text()}`}`);
        if (request.method === "GET") return answer(200, cart([line("MUG-LOGO", "Logo mug", 2, 1400)], { subtotal: 2800, total: 2800 }));
        if (request.method === "PATCH") return answer(200, cart([line("MUG-LOGO", "Logo mug", 3, 1400)], { subtotal: 4200, total: 4200 }));
        return answer(422, { error: { code: "promotion_minimum_not_met", message: "the order must be at least $50.00 for WELCOME10" } });
      },
    });
    const summary = await screen.findByRole("complementary");
    expect(summary).toHaveTextContent("Total$28.00");
    expect(screen.getByRole("button", { name: "Sign in to check out" })).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByLabelText("Quantity of Logo mug"), "3");
    expect(await within(summary).findByText("$42.00", { selector: "dd.total" })).toBeInTheDocument();

    await userEvent.type(screen.getByRole("textbox", { name: "Promotion code" }), "welcome10");
    await userEvent.click(screen.getByRole("button", { name: "Apply" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The order must be at least $50.00 for WELCOME10.");
    expect(requests).toEqual([
      "GET /carts/c-anon",
      'PATCH /carts/c-anon/items/MUG-LOGO {"quantity":3}',
      'PUT /carts/c-anon/promotion {"code":"welcome10"}',
    ]);
  });

  it("is empty with a way back to the shop", async () => {
    window.localStorage.clear();
    renderShop({ routes, path: "/cart", respond: () => answer(404, { message: "Not Found" }) });
    expect(await screen.findByText("Your cart is empty.")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Browse the shop" })).toHaveAttribute("href", "/");
  });
});
