import { useCancelMyOrder, type Order } from "@order-service/api";
import { useId, useState } from "react";
import { ErrorState } from "../../components/states";

/** Cancel while the order has not shipped: asks once more, with an optional reason. */
export function CancelOrder({ order }: { order: Order }) {
  const cancel = useCancelMyOrder(order.orderId);
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState("");
  const id = useId();
  if (!confirming) {
    return (
      <button type="button" className="button danger-outline" onClick={() => setConfirming(true)}>
        Cancel order
      </button>
    );
  }
  return (
    <form
      className="cancel-form"
      onSubmit={(e) => {
        e.preventDefault();
        cancel.mutate(reason, { onSuccess: () => setConfirming(false) });
      }}
      aria-label="Cancel the order"
    >
      <p>
        Cancel order {order.orderNumber}? Anything you paid is refunded to the same card, and we let you know by e-mail.
      </p>
      <div className="field">
        <label htmlFor={id}>Reason (optional)</label>
        <input id={id} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} />
      </div>
      {cancel.isError && <ErrorState title="The order could not be cancelled." error={cancel.error} />}
      <div className="form-actions">
        <button type="submit" className="button danger" disabled={cancel.isPending}>
          {cancel.isPending ? "Cancelling…" : "Confirm cancellation"}
        </button>
        <button type="button" className="button" onClick={() => setConfirming(false)} disabled={cancel.isPending}>
          Keep the order
        </button>
      </div>
    </form>
  );
}
