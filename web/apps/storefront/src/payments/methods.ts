/**
 * How the checkout gets a payment-method token (never card data):
 * the sandbox's named test methods locally, Stripe Elements in AWS.
 */

/** The payment sandbox's test methods, as the local stack's gateway knows them. */
export const SANDBOX_METHODS = [
  { token: "pm_card_visa", label: "Visa", hint: "Succeeds" },
  { token: "pm_card_mastercard", label: "Mastercard", hint: "Succeeds" },
  { token: "pm_card_amex", label: "Amex", hint: "Succeeds" },
  { token: "pm_card_chargeDeclined", label: "Declined", hint: "The card is declined" },
  { token: "pm_card_chargeDeclinedInsufficientFunds", label: "Insufficient funds", hint: "Declined: insufficient funds" },
  { token: "pm_card_chargeDeclinedExpiredCard", label: "Expired card", hint: "Declined: the card has expired" },
  { token: "pm_card_chargeDeclinedIncorrectCvc", label: "Incorrect CVC", hint: "Declined: the CVC is wrong" },
] as const;

export type SandboxToken = (typeof SANDBOX_METHODS)[number]["token"];

export interface BillingDetails {
  name: string;
  email: string;
  phone: string | null;
  address: { line1: string; line2?: string | null; city: string; region?: string | null; postalCode: string; country: string } | null;
}

/** What the payment part of the checkout gives the page: a PaymentMethod id ("pm_…") for the order. */
export interface PaymentMethodSource {
  /**
   * The token to send as `payment.methodToken`. The same token for the same
   * card until it changes, so a retry of an attempt sends the same body.
   * Throws an Error whose message is for the shopper.
   */
  methodToken(billing: BillingDetails): Promise<string>;
}
