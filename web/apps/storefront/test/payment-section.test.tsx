import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { PaymentMethodSource } from "../src/payments/methods";
import { PaymentSection } from "../src/payments/PaymentSection";

// Stripe.js cannot load offline: a stand-in with the calls the card field makes.
const stripe = vi.hoisted(() => {
  const handlers: Record<string, (event: { error?: { message: string } }) => void> = {};
  const card = {
    mount: vi.fn(),
    destroy: vi.fn(),
    on: vi.fn((name: string, handler: (event: { error?: { message: string } }) => void) => {
      handlers[name] = handler;
    }),
  };
  const instance = {
    elements: vi.fn(() => ({ create: vi.fn(() => card) })),
    createPaymentMethod: vi.fn(async () => ({ paymentMethod: { id: "pm_1Stripe" } })),
  };
  return { card, handlers, instance, loadStripe: vi.fn(async () => instance) };
});
vi.mock("@stripe/stripe-js/pure", () => ({ loadStripe: stripe.loadStripe }));

const billing = { name: "Alice Liddell", email: "alice@example.com", phone: null, address: null };

describe("the payment section", () => {
  beforeEach(() => vi.clearAllMocks());

  it("offers the sandbox's test methods by name and gives the chosen token, without loading Stripe", async () => {
    let source: PaymentMethodSource | null = null;
    render(<PaymentSection payments={{ provider: "sandbox" }} onSource={(s) => (source = s)} />);
    for (const name of ["Visa", "Mastercard", "Amex", "Declined", "Insufficient funds", "Expired card", "Incorrect CVC"]) {
      expect(screen.getByRole("radio", { name: new RegExp(`^${name}`) })).toBeInTheDocument();
    }
    await waitFor(() => expect(source).not.toBeNull());
    expect(await source!.methodToken(billing)).toBe("pm_card_visa");
    await userEvent.click(screen.getByRole("radio", { name: /^Insufficient funds/ }));
    await waitFor(async () => expect(await source!.methodToken(billing)).toBe("pm_card_chargeDeclinedInsufficientFunds"));
    expect(stripe.loadStripe).not.toHaveBeenCalled();
  });

  it("with Stripe, mounts Elements' card field with the publishable key and sends only the PaymentMethod id", async () => {
    let source: PaymentMethodSource | null = null;
    render(<PaymentSection payments={{ provider: "stripe", publishableKey: "pk_test_51Abc" }} onSource={(s) => (source = s)} />);
    await waitFor(() => expect(source).not.toBeNull());
    expect(stripe.loadStripe).toHaveBeenCalledWith("pk_test_51Abc");
    expect(stripe.card.mount).toHaveBeenCalledWith(screen.getByTestId("stripe-card"));
    expect(screen.queryByRole("radio")).toBeNull();

    expect(await source!.methodToken(billing)).toBe("pm_1Stripe");
    expect(stripe.instance.createPaymentMethod).toHaveBeenCalledWith(
      expect.objectContaining({ type: "card", card: stripe.card, billing_details: expect.objectContaining({ name: "Alice Liddell" }) }),
    );
    // A retry of the same attempt sends the same PaymentMethod; a changed card makes a new one.
    expect(await source!.methodToken(billing)).toBe("pm_1Stripe");
    expect(stripe.instance.createPaymentMethod).toHaveBeenCalledTimes(1);
    stripe.handlers.change?.({});
    await source!.methodToken(billing);
    expect(stripe.instance.createPaymentMethod).toHaveBeenCalledTimes(2);
  });

  it("says what Stripe refused", async () => {
    stripe.instance.createPaymentMethod.mockResolvedValueOnce({ error: { message: "Your card number is incomplete." } } as never);
    let source: PaymentMethodSource | null = null;
    render(<PaymentSection payments={{ provider: "stripe", publishableKey: "pk_test_51Abc" }} onSource={(s) => (source = s)} />);
    await waitFor(() => expect(source).not.toBeNull());
    await expect(source!.methodToken(billing)).rejects.toThrow("Your card number is incomplete.");
  });
});
