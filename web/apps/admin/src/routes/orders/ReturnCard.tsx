import {
  formatMoney,
  useApproveReturn,
  useReceiveReturn,
  useRejectReturn,
  type AdminOrder,
  type Return,
} from "@order-service/api";
import { useState } from "react";
import { StatusBadge } from "../../components/StatusBadge";
import { FormError } from "../../components/states";
import { formatDateTime } from "../../lib/format";

type Disposition = "RESTOCK" | "DAMAGED";

/** Whether a return may refund the order's shipping too: the API refunds it once per order. */
export function shippingRefundable(order: AdminOrder): "refundable" | "refunded" | "none" {
  if (order.shipping.amount <= 0) return "none";
  if ((order.refunds ?? []).some((r) => (r.shipping?.amount ?? 0) > 0)) return "refunded";
  return "refundable";
}

/** One return of an order, with what an administrator can do at its stage. */
export function ReturnCard({ order, ret }: { order: AdminOrder; ret: Return }) {
  const ref = { orderId: order.orderId, returnId: ret.returnId };
  const approve = useApproveReturn(ref);
  const reject = useRejectReturn(ref);
  const receive = useReceiveReturn(ref);
  const [note, setNote] = useState("");
  const [refundShipping, setRefundShipping] = useState(false);
  const shipping = shippingRefundable(order);
  const [dispositions, setDispositions] = useState<Record<string, Disposition>>(() =>
    Object.fromEntries(ret.lines.map((l) => [l.sku, "RESTOCK" as const])),
  );
  const nameOf = (sku: string) => order.lines.find((l) => l.sku === sku)?.name ?? sku;
  const shortId = ret.returnId.slice(0, 8);

  return (
    <article className="return-card" aria-label={`Return ${shortId}`}>
      <header className="row spread">
        <h3>
          Return {shortId} <StatusBadge status={ret.status} />
        </h3>
        <span className="muted">Requested {formatDateTime(ret.requestedAt)}</span>
      </header>
      <p>
        Reason: {ret.reason || <span className="muted">none given</span>}
        {ret.note && <> · Note: {ret.note}</>}
      </p>
      <ul className="plain-list">
        {ret.lines.map((line) => (
          <li key={line.sku}>
            {line.quantity} × {nameOf(line.sku)} <span className="muted">({line.sku})</span>
            {line.disposition && <> — {line.disposition === "RESTOCK" ? "restocked" : "damaged"}</>}
          </li>
        ))}
      </ul>
      {ret.refund && (
        <p className="alert alert-success" role="status">
          Refunded {formatMoney(ret.refund)}
        </p>
      )}

      {ret.status === "REQUESTED" && (
        <div className="stack">
          <div className="field">
            <label htmlFor={`note-${ret.returnId}`}>Note to the customer (optional)</label>
            <input id={`note-${ret.returnId}`} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
          </div>
          <FormError error={approve.error ?? reject.error} />
          <div className="row">
            <button
              type="button"
              className="button primary"
              disabled={approve.isPending || reject.isPending}
              onClick={() => approve.mutate(note.trim() || undefined)}
            >
              Approve return
            </button>
            <button
              type="button"
              className="button danger"
              disabled={approve.isPending || reject.isPending}
              onClick={() => reject.mutate(note.trim() || undefined)}
            >
              Reject return
            </button>
          </div>
        </div>
      )}

      {(ret.status === "APPROVED" || ret.status === "RECEIVING") && (
        <form
          className="stack"
          aria-label={`Receive return ${shortId}`}
          onSubmit={(e) => {
            e.preventDefault();
            receive.mutate({
              lines: ret.lines.map((l) => ({ sku: l.sku, disposition: dispositions[l.sku] ?? "RESTOCK" })),
              refundShipping: shipping === "refundable" && refundShipping,
            });
          }}
        >
          <fieldset>
            <legend>Condition of the returned items</legend>
            {ret.lines.map((line) => (
              <div className="field inline" key={line.sku}>
                <label htmlFor={`disp-${ret.returnId}-${line.sku}`}>
                  {line.quantity} × {nameOf(line.sku)}
                </label>
                <select
                  id={`disp-${ret.returnId}-${line.sku}`}
                  value={dispositions[line.sku]}
                  onChange={(e) => setDispositions({ ...dispositions, [line.sku]: e.target.value as Disposition })}
                >
                  <option value="RESTOCK">Restock (back on sale)</option>
                  <option value="DAMAGED">Damaged (not restocked)</option>
                </select>
              </div>
            ))}
          </fieldset>
          {shipping === "refundable" ? (
            <div className="field field-check">
              <input
                id={`refund-shipping-${ret.returnId}`}
                type="checkbox"
                checked={refundShipping}
                onChange={(e) => setRefundShipping(e.target.checked)}
                aria-describedby={`refund-shipping-hint-${ret.returnId}`}
              />
              <label htmlFor={`refund-shipping-${ret.returnId}`}>Refund shipping too</label>
              <span id={`refund-shipping-hint-${ret.returnId}`} className="hint">
                {formatMoney(order.shipping)}
                {order.shippingOption && <> ({order.shippingOption.name})</>}
                {!order.taxIncluded && order.shippingOption && order.shippingOption.tax.amount > 0 && (
                  <> plus its tax {formatMoney(order.shippingOption.tax)}</>
                )}
                , once per order
              </span>
            </div>
          ) : shipping === "refunded" ? (
            <p className="muted small">The order's shipping was refunded already.</p>
          ) : null}
          <FormError error={receive.error} />
          <div>
            <button type="submit" className="button primary" disabled={receive.isPending}>
              {receive.isPending ? "Receiving…" : "Receive and refund"}
            </button>
          </div>
        </form>
      )}
    </article>
  );
}
