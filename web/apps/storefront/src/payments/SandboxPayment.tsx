import { useEffect, useId, useState } from "react";
import { SANDBOX_METHODS, type PaymentMethodSource, type SandboxToken } from "./methods";

/** The local payment sandbox: its test payment methods, chosen by name. */
export function SandboxPayment({ onSource }: { onSource: (source: PaymentMethodSource | null) => void }) {
  const [token, setToken] = useState<SandboxToken>("pm_card_visa");
  const name = useId();
  useEffect(() => {
    onSource({ methodToken: async () => token });
    return () => onSource(null);
  }, [token, onSource]);
  return (
    <fieldset className="payment-methods">
      <legend>Test payment method</legend>
      <p className="hint">This shop takes payments through a sandbox: no real card is charged. Choose how the payment should go.</p>
      <div className="radio-cards">
        {SANDBOX_METHODS.map((method) => (
          <label key={method.token} className={`radio-card${token === method.token ? " selected" : ""}`}>
            <input type="radio" name={name} value={method.token} checked={token === method.token} onChange={() => setToken(method.token)} />
            <span className="radio-card-title">{method.label}</span>
            <span className="radio-card-hint">{method.hint}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
