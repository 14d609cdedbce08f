import { lazy, Suspense } from "react";
import type { PaymentsConfig } from "../config";
import type { PaymentMethodSource } from "./methods";
import { SandboxPayment } from "./SandboxPayment";

// Stripe's component (and Stripe.js with it) loads only for a shop that takes cards through Stripe.
const StripeCardPayment = lazy(() => import("./StripeCardPayment"));

/** The payment part of the checkout, as config.json's `payments` says the shop takes payments. */
export function PaymentSection({ payments, onSource }: { payments: PaymentsConfig; onSource: (source: PaymentMethodSource | null) => void }) {
  if (payments.provider === "stripe") {
    return (
      <Suspense
        fallback={
          <p role="status" className="state state-loading">
            <span className="spinner" aria-hidden="true" />
            Loading the secure card field…
          </p>
        }
      >
        <StripeCardPayment publishableKey={payments.publishableKey} onSource={onSource} />
      </Suspense>
    );
  }
  return <SandboxPayment onSource={onSource} />;
}
