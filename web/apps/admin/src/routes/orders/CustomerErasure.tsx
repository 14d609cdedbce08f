import { useCustomerErasure, useEraseCustomer, type AdminOrder, type CustomerErasure as Erasure } from "@order-service/api";
import { useState } from "react";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { StatusBadge } from "../../components/StatusBadge";
import { ErrorState, Loading } from "../../components/states";
import { formatDateTime } from "../../lib/format";

const orders = (n: number) => (n === 1 ? "1 order" : `${n} orders`);

/**
 * Erasure of the order's customer: where it stands (followed while PENDING)
 * and the action, confirmed first since it cannot be undone.
 */
export function CustomerErasure({ order }: { order: AdminOrder }) {
  const sub = order.customerSub;
  const erasure = useCustomerErasure(sub);
  const erase = useEraseCustomer(sub);
  const [confirming, setConfirming] = useState(false);
  const current = erasure.data ?? null;
  // Nothing asked yet, or asked before this order kept its data (placed since, or still in progress then).
  const canAsk = erasure.isSuccess && (!current || (current.status === "COMPLETE" && !order.erasedAt));
  return (
    <div className="erasure">
      <h3 id="erasure-heading">Personal data</h3>
      {erasure.isPending ? (
        <Loading label="Loading the erasure status…" />
      ) : erasure.isError ? (
        <ErrorState title="Whether this customer's data was erased could not be loaded." error={erasure.error} retry={() => void erasure.refetch()} />
      ) : current ? (
        <ErasureStatus erasure={current} orderErased={Boolean(order.erasedAt)} />
      ) : null}
      {canAsk && (
        <button type="button" className="button danger small" onClick={() => setConfirming(true)}>
          {current ? "Erase personal data again" : "Erase personal data"}
        </button>
      )}
      <ConfirmDialog
        open={confirming}
        title="Erase this customer's personal data?"
        confirmLabel="Erase personal data"
        pendingLabel="Asking…"
        pending={erase.isPending}
        error={erase.error}
        onCancel={() => {
          erase.reset();
          setConfirming(false);
        }}
        onConfirm={() => erase.mutate(undefined, { onSuccess: () => setConfirming(false) })}
      >
        <p>
          This removes the name, e-mail, phone and addresses of the customer <code>{sub}</code> from all of their orders, carts and
          webhook deliveries. Amounts, order lines, dates and order numbers are kept (addresses keep their country and region, for
          the tax records).
        </p>
        <p>Orders still in progress are erased when they end.</p>
        <p>
          <strong>This cannot be undone.</strong>
        </p>
      </ConfirmDialog>
    </div>
  );
}

function ErasureStatus({ erasure, orderErased }: { erasure: Erasure; orderErased: boolean }) {
  if (erasure.status === "PENDING") {
    return (
      <div className="alert alert-info" role="status">
        <p>
          Erasure <StatusBadge status="PENDING" /> asked {formatDateTime(erasure.requestedAt)}.
        </p>
        <p>
          {erasure.ordersWaiting > 0
            ? `${orders(erasure.ordersWaiting)} still in progress: each is erased when it ends.`
            : "Erasing the customer's orders, carts and webhook deliveries…"}{" "}
          {erasure.ordersErased > 0 && `${orders(erasure.ordersErased)} erased so far.`}
        </p>
      </div>
    );
  }
  return (
    <div className="alert alert-success" role="status">
      <p>
        Erasure <StatusBadge status="COMPLETE" /> {formatDateTime(erasure.completedAt)}: {orders(erasure.ordersErased)} erased.
      </p>
      {!orderErased && <p>This order still holds personal data: it was placed or ended after that erasure.</p>}
    </div>
  );
}
