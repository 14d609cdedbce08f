import { useCancelOrder, type AdminOrder } from "@order-service/api";
import { useState } from "react";
import { FormError } from "../../components/states";

export function CancelOrder({ order }: { order: AdminOrder }) {
  const cancel = useCancelOrder(order.orderId);
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState("");

  if (!confirming) {
    return (
      <button type="button" className="button danger" onClick={() => setConfirming(true)}>
        Cancel order
      </button>
    );
  }
  return (
    <form
      className="stack"
      aria-label="Cancel the order"
      onSubmit={(e) => {
        e.preventDefault();
        cancel.mutate(reason.trim() || undefined, { onSuccess: () => setConfirming(false) });
      }}
    >
      <p>
        Cancelling refunds a captured payment, releases held stock and e-mails the customer.
      </p>
      <div className="field">
        <label htmlFor="cancel-reason">Reason (optional)</label>
        <input id="cancel-reason" maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      <FormError error={cancel.error} />
      <div className="row">
        <button type="submit" className="button danger" disabled={cancel.isPending}>
          {cancel.isPending ? "Cancelling…" : "Confirm cancellation"}
        </button>
        <button type="button" className="button" onClick={() => setConfirming(false)}>
          Keep the order
        </button>
      </div>
    </form>
  );
}
