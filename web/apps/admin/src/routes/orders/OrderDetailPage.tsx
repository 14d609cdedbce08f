import { formatMoney, useOrder, useOrderEvents, type AdminOrder, type components, type Refund } from "@order-service/api";
import { Link, useParams } from "react-router";
import { AddressBlock, ErasedAddress } from "../../components/AddressBlock";
import { StatusBadge } from "../../components/StatusBadge";
import { ErrorState, Loading, PageHeader } from "../../components/states";
import { formatDateTime, formatDateTimeSeconds } from "../../lib/format";
import { ShipOrderForm } from "../fulfilment/ShipOrderForm";
import { CancelOrder } from "./CancelOrder";
import { CustomerErasure } from "./CustomerErasure";
import { LabelActions } from "./LabelActions";
import { RefundForm, remainingRefundable } from "./RefundForm";
import { ReturnCard } from "./ReturnCard";
import { carrierEventLabel, orderTimeline } from "./timeline";

type OrderShipping = components["schemas"]["OrderShipping"];

const CANCELLABLE = new Set(["PENDING", "BACKORDERED", "RESERVED", "PAID", "AWAITING_FULFILMENT"]);
const REFUNDABLE = new Set(["DELIVERED", "PARTIALLY_REFUNDED"]);

export function Component() {
  const { orderId = "" } = useParams();
  const order = useOrder(orderId);
  // The order changes on this page as it changes in the shop (status, shipment, the carrier's events).
  useOrderEvents({ scope: "admin" });
  if (order.isPending) return <Loading label="Loading the order…" />;
  if (order.isError)
    return (
      <>
        <PageHeader title="Order" />
        <ErrorState title="The order could not be loaded." error={order.error} retry={() => void order.refetch()} />
        <p>
          <Link to="/orders">Back to orders</Link>
        </p>
      </>
    );
  return <OrderDetail order={order.data} />;
}

function OrderDetail({ order }: { order: AdminOrder }) {
  const remaining = remainingRefundable(order);
  return (
    <>
      <p className="breadcrumb">
        <Link to="/orders">Orders</Link> / {order.orderNumber}
      </p>
      <PageHeader
        title={
          <>
            Order {order.orderNumber} <StatusBadge status={order.status} />
          </>
        }
        description={`Placed ${formatDateTime(order.createdAt)} · updated ${formatDateTime(order.updatedAt)}`}
      >
        {order.shipment && <LabelActions orderId={order.orderId} orderNumber={order.orderNumber} />}
      </PageHeader>

      <section className="card" aria-labelledby="lines-heading">
        <h2 id="lines-heading">Items</h2>
        <div className="table-wrap" role="region" aria-label="Order lines" tabIndex={0}>
          <table className="data-table">
            <caption className="visually-hidden">Order lines</caption>
            <thead>
              <tr>
                <th scope="col">SKU</th>
                <th scope="col">Product</th>
                <th scope="col" className="num">
                  Quantity
                </th>
                <th scope="col" className="num">
                  Unit price
                </th>
                <th scope="col" className="num">
                  Discount
                </th>
                <th scope="col" className="num">
                  Line total
                </th>
                <th scope="col" className="num">
                  Tax
                </th>
              </tr>
            </thead>
            <tbody>
              {order.lines.map((line) => (
                <tr key={line.sku}>
                  <td>{line.sku}</td>
                  <td>{line.name}</td>
                  <td className="num">{line.quantity}</td>
                  <td className="num">{formatMoney(line.unitPrice)}</td>
                  <td className="num">{line.discount ? `−${formatMoney(line.discount)}` : "—"}</td>
                  <td className="num">{formatMoney(line.lineTotal)}</td>
                  <td className="num">{line.tax ? formatMoney(line.tax) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <OrderTotals order={order} />
      </section>

      <div className="grid-3">
        <section className="card" aria-labelledby="customer-heading">
          <h2 id="customer-heading">Customer</h2>
          {order.erasedAt ? (
            <p className="erased-notice">
              <strong>Personal data erased on {formatDateTime(order.erasedAt)}.</strong> The name, e-mail, phone and addresses are
              gone; amounts, lines and dates remain.
            </p>
          ) : (
            <p>
              {order.customer.name}
              <br />
              <a href={`mailto:${order.customer.email}`}>{order.customer.email}</a>
              {order.customer.phone && (
                <>
                  <br />
                  {order.customer.phone}
                </>
              )}
            </p>
          )}
          <p className="muted small">
            Account <code>{order.customerSub}</code>
          </p>
          <div className="grid-2 tight">
            <div>
              <h3>Shipping address</h3>
              {order.erasedAt ? <ErasedAddress address={order.shippingAddress} /> : <AddressBlock address={order.shippingAddress} />}
            </div>
            <div>
              <h3>Billing address</h3>
              {order.billingAddress ? (
                order.erasedAt ? (
                  <ErasedAddress address={order.billingAddress} />
                ) : (
                  <AddressBlock address={order.billingAddress} />
                )
              ) : (
                <p className="muted">Same as shipping</p>
              )}
            </div>
          </div>
          <CustomerErasure order={order} />
        </section>

        <section className="card" aria-labelledby="payment-heading">
          <h2 id="payment-heading">Payment</h2>
          {order.payment || order.paymentMethod ? (
            <dl className="facts">
              <dt>Method</dt>
              <dd>{order.payment?.methodType ?? order.paymentMethod?.methodType ?? "—"}</dd>
              <dt>Brand</dt>
              <dd>{order.payment?.brand ?? order.paymentMethod?.brand ?? "—"}</dd>
              <dt>Last 4</dt>
              <dd>{order.payment?.last4 ?? order.paymentMethod?.last4 ?? "—"}</dd>
              {order.payment && (
                <>
                  <dt>Status</dt>
                  <dd>
                    <StatusBadge status={order.payment.status} />
                    {order.payment.declineCode && <span className="muted"> {order.payment.declineCode}</span>}
                  </dd>
                  <dt>Captured</dt>
                  <dd>{order.payment.status === "DECLINED" ? "—" : formatMoney(order.payment.amount)}</dd>
                  <dt>Refunded</dt>
                  <dd>{formatMoney(order.payment.refunded ?? { amount: 0, currency: order.total.currency })}</dd>
                  <dt>Provider</dt>
                  <dd>
                    {order.payment.provider}
                    {order.payment.paymentId && <code className="ref"> {order.payment.paymentId}</code>}
                  </dd>
                </>
              )}
            </dl>
          ) : (
            <p className="muted">No payment has been attempted yet.</p>
          )}
        </section>

        <section className="card" aria-labelledby="shipment-heading">
          <h2 id="shipment-heading">Shipment</h2>
          {order.shipment ? (
            <dl className="facts">
              <dt>Carrier</dt>
              <dd>{order.shipment.carrier}</dd>
              <dt>Tracking</dt>
              <dd>
                <a href={order.shipment.trackingUrl} target="_blank" rel="noreferrer">
                  {order.shipment.trackingNumber}
                  <span className="visually-hidden"> (opens the carrier's tracking page)</span>
                </a>
              </dd>
              <dt>Shipped</dt>
              <dd>{formatDateTime(order.shipment.shippedAt)}</dd>
              {order.shippingOption && <ShippingOptionFacts option={order.shippingOption} />}
            </dl>
          ) : (
            <>
              <p className="muted">{order.status === "AWAITING_FULFILMENT" ? "Waiting in the fulfilment queue." : "Not shipped yet."}</p>
              {order.shippingOption && (
                <dl className="facts">
                  <ShippingOptionFacts option={order.shippingOption} />
                </dl>
              )}
              {order.status === "AWAITING_FULFILMENT" && <ShipOrderForm order={order} />}
            </>
          )}
        </section>
      </div>

      <section className="card" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <OrderTimeline order={order} carrier={order.shipment?.carrier} />
      </section>

      <section className="card" aria-labelledby="returns-heading">
        <h2 id="returns-heading">Returns</h2>
        {order.returns && order.returns.length > 0 ? (
          order.returns.map((ret) => <ReturnCard key={ret.returnId} order={order} ret={ret} />)
        ) : (
          <p className="muted">No returns.</p>
        )}
        {order.refunds && order.refunds.length > 0 && (
          <>
            <h3>Refunds</h3>
            <ul className="plain-list">
              {order.refunds.map((refund) => (
                <li key={refund.key}>
                  <strong>{formatMoney(refund.amount)}</strong> refunded {formatDateTime(refund.at)} — {refund.reason}{" "}
                  <StatusBadge status={refund.status} />
                  <RefundParts refund={refund} />
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      {(CANCELLABLE.has(order.status) || REFUNDABLE.has(order.status)) && (
        <section className="card" aria-labelledby="actions-heading">
          <h2 id="actions-heading">Actions</h2>
          {CANCELLABLE.has(order.status) && <CancelOrder order={order} />}
          {REFUNDABLE.has(order.status) && remaining.amount > 0 && <RefundForm order={order} remaining={remaining} />}
        </section>
      )}
    </>
  );
}

/**
 * The order's figures as the API computed them: subtotal, the promotion's
 * discount, shipping with the option it was charged for, tax (part of the
 * total when prices included it, added to it otherwise) and the total.
 */
export function OrderTotals({ order }: { order: AdminOrder }) {
  const option = order.shippingOption;
  return (
    <dl className="totals">
      <dt>Subtotal</dt>
      <dd>{formatMoney(order.subtotal)}</dd>
      {(order.discount.amount > 0 || order.promotion) && (
        <>
          <dt>Discount{order.promotion && <> <code>{order.promotion.code}</code></>}</dt>
          <dd>−{formatMoney(order.discount.amount > 0 ? order.discount : order.promotion?.discount)}</dd>
        </>
      )}
      <dt>
        Shipping
        {option && (
          <span className="totals-note">
            {option.name} · {option.carrierService}
          </span>
        )}
      </dt>
      <dd>{option || order.shipping.amount > 0 ? formatMoney(order.shipping) : "—"}</dd>
      <dt>{order.taxIncluded ? "Tax (incl.)" : "Tax"}</dt>
      <dd>{formatMoney(order.tax)}</dd>
      <dt className="total">Total</dt>
      <dd className="total">{formatMoney(order.total)}</dd>
    </dl>
  );
}

function ShippingOptionFacts({ option }: { option: OrderShipping }) {
  return (
    <>
      <dt>Option</dt>
      <dd>
        {option.name} · {option.carrierService}
      </dd>
      <dt>Charged</dt>
      <dd>
        {formatMoney(option.price)}
        {option.tax.amount > 0 && <span className="muted"> (tax {formatMoney(option.tax)})</span>}
      </dd>
    </>
  );
}

/** What a refund's amount holds of tax and of shipping, when it says. */
function RefundParts({ refund }: { refund: Refund }) {
  const parts = [
    refund.tax && refund.tax.amount > 0 ? `tax ${formatMoney(refund.tax)}` : null,
    refund.shipping && refund.shipping.amount > 0 ? `shipping ${formatMoney(refund.shipping)}` : null,
  ].filter(Boolean);
  if (parts.length === 0) return null;
  return <span className="muted"> (of which {parts.join(", ")})</span>;
}

/** The status history merged with the carrier's events by time; the carrier's are marked as such. */
function OrderTimeline({ order, carrier }: { order: AdminOrder; carrier: string | undefined }) {
  const entries = orderTimeline(order);
  return (
    <ol className="timeline" aria-labelledby="timeline-heading">
      {entries.map((entry) =>
        entry.kind === "status" ? (
          <li key={entry.key} className="timeline-status">
            <StatusBadge status={entry.change.status} /> <time dateTime={entry.at}>{formatDateTimeSeconds(entry.at)}</time>
            {entry.change.reason && <span className="muted"> — {entry.change.reason}</span>}
          </li>
        ) : (
          <li key={entry.key} className="timeline-carrier" data-event-type={entry.event.type}>
            <span className="badge badge-carrier" title={carrier ? `Reported by ${carrier}` : "Reported by the carrier"}>
              Carrier
            </span>{" "}
            <strong>{carrierEventLabel(entry.event.type)}</strong> <time dateTime={entry.at}>{formatDateTimeSeconds(entry.at)}</time>
            {entry.event.location && <span className="timeline-location"> · {entry.event.location}</span>}
            {entry.event.description && <span className="muted timeline-description"> — {entry.event.description}</span>}
          </li>
        ),
      )}
    </ol>
  );
}
