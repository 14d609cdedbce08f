/**
 * Stripe Elements' card field, in Stripe's own iframe: the card number,
 * expiry and CVC go from the shopper's browser to Stripe only. Stripe
 * answers a PaymentMethod id (`pm_…`), which is all the checkout sends to
 * the service. Loaded lazily (this module and Stripe.js), so a shop on the
 * sandbox never downloads either.
 */
import type { StripeCardElement } from "@stripe/stripe-js";
import { useEffect, useRef, useState } from "react";
import type { PaymentMethodSource } from "./methods";

export default function StripeCardPayment({
  publishableKey,
  onSource,
}: {
  publishableKey: string;
  onSource: (source: PaymentMethodSource | null) => void;
}) {
  const mountRef = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");
  const [message, setMessage] = useState<string>();

  useEffect(() => {
    let cancelled = false;
    let card: StripeCardElement | undefined;
    (async () => {
      // The pure entry point: Stripe.js is fetched only when loadStripe runs.
      const { loadStripe } = await import("@stripe/stripe-js/pure");
      const stripe = await loadStripe(publishableKey);
      if (cancelled) return;
      if (!stripe || !mountRef.current) throw new Error("Stripe could not be loaded.");
      const elements = stripe.elements();
      const element = elements.create("card", { hidePostalCode: true, style: { base: { fontSize: "16px" } } });
      card = element;
      element.mount(mountRef.current);
      // One PaymentMethod per card as typed: a retry sends the same id (and so the same body).
      let created: string | null = null;
      element.on("change", (event) => {
        created = null;
        setMessage(event.error?.message);
      });
      onSource({
        async methodToken(billing) {
          if (created) return created;
          const result = await stripe.createPaymentMethod({
            type: "card",
            card: element,
            billing_details: {
              name: billing.name,
              email: billing.email,
              ...(billing.phone ? { phone: billing.phone } : {}),
              ...(billing.address
                ? {
                    address: {
                      line1: billing.address.line1,
                      ...(billing.address.line2 ? { line2: billing.address.line2 } : {}),
                      city: billing.address.city,
                      ...(billing.address.region ? { state: billing.address.region } : {}),
                      postal_code: billing.address.postalCode,
                      country: billing.address.country,
                    },
                  }
                : {}),
            },
          });
          if (result.error || !result.paymentMethod) throw new Error(result.error?.message ?? "The card could not be read.");
          created = result.paymentMethod.id;
          return created;
        },
      });
      setState("ready");
    })().catch((error: unknown) => {
      if (cancelled) return;
      setState("failed");
      setMessage(error instanceof Error ? error.message : String(error));
    });
    return () => {
      cancelled = true;
      card?.destroy();
      onSource(null);
    };
  }, [publishableKey, onSource]);

  return (
    <fieldset className="payment-methods">
      <legend>Card</legend>
      {state === "loading" && (
        <p role="status" className="state state-loading">
          <span className="spinner" aria-hidden="true" />
          Loading the secure card field…
        </p>
      )}
      <div ref={mountRef} className="stripe-card" data-testid="stripe-card" />
      <p className="hint">Your card details go straight to Stripe, our payment provider; we never see or store them.</p>
      {message && (
        <p className="field-error" role="alert">
          {message}
        </p>
      )}
    </fieldset>
  );
}
