import { useRequestReturn, type Order } from "@order-service/api";
import { useId, useState, type FormEvent } from "react";
import { ErrorState } from "../../components/states";
import { formatDate } from "../../lib/format";
import { returnableUnits, returnWindowEnd } from "../../lib/orderStatus";

/** Asks to return units of a delivered order, within the return window. */
export function ReturnRequest({ order }: { order: Order }) {
  const request = useRequestReturn(order.orderId);
  const returnable = returnableUnits(order);
  const [open, setOpen] = useState(false);
  const [quantities, setQuantities] = useState<Record<string, number>>({});
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string>();
  const id = useId();
  const end = returnWindowEnd(order);

  if (!open) {
    return (
      <div className="return-offer">
        <p>
          Not quite right? You can return items until <strong>{formatDate(end)}</strong>.
        </p>
        <button type="button" className="button" onClick={() => setOpen(true)}>
          Return items
        </button>
      </div>
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const lines = Object.entries(quantities)
      .filter(([, quantity]) => quantity > 0)
      .map(([sku, quantity]) => ({ sku, quantity }));
    if (lines.length === 0) return setProblem("Choose at least one item to return.");
    if (!reason.trim()) return setProblem("Tell us why you are returning the items.");
    setProblem(undefined);
    request.mutate(
      { lines, reason: reason.trim() },
      {
        onSuccess: () => {
          setOpen(false);
          setQuantities({});
          setReason("");
        },
      },
    );
  }

  return (
    <form onSubmit={submit} className="return-form" aria-label="Return items" noValidate>
      <fieldset>
        <legend>Which items are you returning?</legend>
        {order.lines.map((line) => {
          const max = returnable.get(line.sku) ?? 0;
          const fieldId = `${id}-${line.sku}`;
          return (
            <div key={line.sku} className="return-line">
              <label htmlFor={fieldId}>
                {line.name} <span className="muted">({max} of {line.quantity} can be returned)</span>
              </label>
              <select
                id={fieldId}
                value={quantities[line.sku] ?? 0}
                disabled={max === 0}
                onChange={(e) => setQuantities({ ...quantities, [line.sku]: Number(e.target.value) })}
              >
                {Array.from({ length: max + 1 }, (_, n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </div>
          );
        })}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-reason`}>Why are you returning them?</label>
        <textarea id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} rows={3} />
      </div>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      {request.isError && <ErrorState title="The return could not be requested." error={request.error} />}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={request.isPending}>
          {request.isPending ? "Sending…" : "Request return"}
        </button>
        <button type="button" className="button" onClick={() => setOpen(false)} disabled={request.isPending}>
          Cancel
        </button>
      </div>
    </form>
  );
}
