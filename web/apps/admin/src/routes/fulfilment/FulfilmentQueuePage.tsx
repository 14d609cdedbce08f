import { formatMoney, useFulfilmentQueue, useShopSettings, type AdminOrder } from "@order-service/api";
import { useState } from "react";
import { Link } from "react-router";
import { AddressBlock } from "../../components/AddressBlock";
import { Pager, useCursorPages } from "../../components/Pager";
import { Empty, ErrorState, Loading, PageHeader } from "../../components/states";
import { formatDateTime } from "../../lib/format";
import { ShipOrderForm } from "./ShipOrderForm";

export const QUEUE_PAGE_SIZE = 20;

/** When the order joined the queue: its last AWAITING_FULFILMENT status. */
function waitingSince(order: AdminOrder): string | undefined {
  return order.statusHistory.findLast((s) => s.status === "AWAITING_FULFILMENT")?.at;
}

export function Component() {
  const pages = useCursorPages("fulfilment");
  const queue = useFulfilmentQueue({ limit: QUEUE_PAGE_SIZE, ...(pages.cursor ? { cursor: pages.cursor } : {}) });
  const settings = useShopSettings();
  const [shipped, setShipped] = useState<AdminOrder[]>([]);
  const pickList = `/fulfilment/pick-list${pages.cursor ? `?cursor=${encodeURIComponent(pages.cursor)}` : ""}`;

  return (
    <>
      <PageHeader title="Fulfilment" description="Paid orders waiting to be picked, packed and shipped, oldest first.">
        {queue.data && queue.data.items.length > 0 && (
          <Link className="button" to={pickList}>
            Pick list
          </Link>
        )}
      </PageHeader>
      {settings.data?.fulfilmentMode === "AUTOMATIC" && (
        <p className="alert alert-info" role="status">
          The shop ships automatically: newly paid orders are booked with the carrier at once and do not wait here.{" "}
          <Link to="/settings">Settings</Link>
        </p>
      )}
      {shipped.length > 0 && (
        <div className="alert alert-success" role="status">
          <ul className="plain-list">
            {shipped.map((o) => (
              <li key={o.orderId}>
                <Link to={`/orders/${o.orderId}`}>{o.orderNumber}</Link> shipped
                {o.shipment && (
                  <>
                    {" "}
                    with {o.shipment.carrier}, tracking {o.shipment.trackingNumber}
                  </>
                )}
                .
              </li>
            ))}
          </ul>
        </div>
      )}
      {queue.isPending ? (
        <Loading label="Loading the fulfilment queue…" />
      ) : queue.isError ? (
        <ErrorState title="The fulfilment queue could not be loaded." error={queue.error} retry={() => void queue.refetch()} />
      ) : queue.data.items.length === 0 ? (
        <Empty>{pages.page > 1 ? "No more orders on this page." : "No orders are waiting to be shipped."}</Empty>
      ) : (
        <ol className="queue" aria-label="Orders to ship">
          {queue.data.items.map((order) => (
            <li key={order.orderId}>
              <QueuedOrder order={order} onShipped={(o) => setShipped((list) => [o, ...list.filter((x) => x.orderId !== o.orderId)])} />
            </li>
          ))}
        </ol>
      )}
      <Pager
        page={pages.page}
        hasPrevious={pages.hasPrevious}
        nextCursor={queue.data?.nextCursor}
        onNext={pages.next}
        onPrevious={pages.previous}
        busy={queue.isFetching}
      />
    </>
  );
}

function QueuedOrder({ order, onShipped }: { order: AdminOrder; onShipped: (order: AdminOrder) => void }) {
  const address = order.shippingAddress;
  const headingId = `queued-${order.orderId}`;
  return (
    <article className="card queued-order" aria-labelledby={headingId}>
      <header className="row spread">
        <h2 id={headingId}>
          <Link to={`/orders/${order.orderId}`}>{order.orderNumber}</Link>
        </h2>
        <span className="muted small">
          Placed {formatDateTime(order.createdAt)} · waiting since {formatDateTime(waitingSince(order) ?? order.updatedAt)}
        </span>
      </header>
      <div className="grid-3 tight">
        <div>
          <h3>Items</h3>
          <ul className="plain-list">
            {order.lines.map((line) => (
              <li key={line.sku}>
                <strong>{line.quantity} ×</strong> {line.name} <span className="muted">({line.sku})</span>
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h3>Ship to</h3>
          <AddressBlock address={address} name={order.customer.name} />
        </div>
        <div>
          <h3>Shipping</h3>
          {order.shippingOption ? (
            <p>
              {order.shippingOption.name} · {order.shippingOption.carrierService}
              <br />
              <span className="muted">charged {formatMoney(order.shippingOption.price)}</span>
            </p>
          ) : (
            <p className="muted">No shipping option</p>
          )}
        </div>
      </div>
      <ShipOrderForm order={order} onShipped={onShipped} />
    </article>
  );
}
