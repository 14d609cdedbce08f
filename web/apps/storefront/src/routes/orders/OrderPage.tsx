/**
 * One of the customer's orders, live: the confirmation page after checkout
 * and the order's page under My orders. The status, its history and the
 * carrier's events change as the order moves (useOrderEvents), without a
 * reload. A failed payment says why and offers to try again with the same
 * items; an order that has not shipped can be cancelled; a delivered one
 * can be returned within the window.
 */
import { formatMoney, isApiError, useMyOrder, useOrderEvents, useOrderTracking, type Order, type RealtimeStatus } from "@order-service/api";
import { useState } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { useCartSession } from "../../cart/CartSession";
import { ProductArt } from "../../components/ProductArt";
import { StatusBadge } from "../../components/StatusBadge";
import { ErrorState, Loading } from "../../components/states";
import { formatDate, formatDateTime, formatDateTimeSeconds } from "../../lib/format";
import { CANCELLABLE, canRequestReturn, failureReason, PROGRESS_STEPS, progressIndex, statusText } from "../../lib/orderStatus";
import { AddressText } from "../checkout/AddressFields";
import { NotFound } from "../NotFoundPage";
import { CancelOrder } from "./CancelOrder";
import { ReturnRequest } from "./ReturnRequest";
import { SignInRequired } from "./SignInRequired";
import { useAuth } from "@order-service/auth";

export function Component() {
  const { user } = useAuth();
  if (!user) return <SignInRequired title="Your order" what="see this order" />;
  return <OrderLoader />;
}

function OrderLoader() {
  const { orderId = "" } = useParams();
  const order = useMyOrder(orderId);
  const live = useOrderEvents({ scope: "customer" });
  if (order.isPending) return <Loading label="Loading your order…" />;
  if (order.isError) {
    // Another customer's order answers 404, exactly as one that does not exist.
    if (isApiError(order.error) && order.error.status === 404) {
      return (
        <NotFound title="Order not found">
          <p>
            We could not find this order in your account. If you placed it with another account, sign in with that one. <Link to="/orders">See your orders</Link>.
          </p>
        </NotFound>
      );
    }
    return (
      <>
        <h1>Your order</h1>
        <ErrorState title="The order could not be loaded." error={order.error} retry={() => void order.refetch()} />
      </>
    );
  }
  return <OrderDetail order={order.data} live={live} />;
}

/** Statuses of an order that did not go through: no thanks, nothing charged. */
const FAILED = new Set(["PAYMENT_FAILED", "REJECTED"]);

function LiveIndicator({ status }: { status: RealtimeStatus }) {
  const text =
    status === "live" ? "Live updates on" : status === "reconnecting" ? "Reconnecting for live updates…" : status === "connecting" ? "Connecting for live updates…" : "Live updates off";
  return (
    <span className={`live-indicator live-${status}`} data-live={status}>
      <span className="live-dot" aria-hidden="true" />
      {text}
    </span>
  );
}

function OrderDetail({ order, live }: { order: Order; live: RealtimeStatus }) {
  const location = useLocation();
  const justPlaced = Boolean((location.state as { placed?: boolean } | null)?.placed);
  const text = statusText(order.status);
  const failure = failureReason(order);
  const tracking = useOrderTracking(order.orderId, Boolean(order.shipment));
  const carrierEvents = (tracking.data?.timeline ?? []).filter((entry) => entry.source === "carrier");
  const shipment = order.shipment ?? tracking.data?.shipment ?? null;

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>
            <Link to="/orders">My orders</Link>
          </li>
          <li aria-current="page">{order.orderNumber}</li>
        </ol>
      </nav>
      <div className="page-header order-header">
        <div>
          <h1>Order {order.orderNumber}</h1>
          {justPlaced && !FAILED.has(order.status) && (
            <p className="thanks">
              Thank you, {order.customer.name.split(" ")[0]}! We have your order and will e-mail {order.customer.email} as it moves.
            </p>
          )}
          <p className="muted">Placed {formatDateTime(order.createdAt)}</p>
        </div>
        <LiveIndicator status={live} />
      </div>

      <section className={`card status-panel tone-${text.tone}`} aria-labelledby="status-heading" data-order-status={order.status}>
        <h2 id="status-heading" className="visually-hidden">
          Status
        </h2>
        <div aria-live="polite" aria-atomic="true" className="status-now">
          <p className="status-line">
            <StatusBadge status={order.status} />
          </p>
          <p className="status-description">{text.description}</p>
        </div>
        <Progress status={order.status} />
        {order.status === "PAYMENT_FAILED" && <PaymentFailed order={order} reason={failure} />}
        {order.status === "REJECTED" && (
          <div className="failure">
            <p>
              {failure ? <strong>{failure.message}</strong> : "Some items ran out before we could reserve them."} Nothing was charged.
            </p>
            <Link to="/" className="button">
              Back to the shop
            </Link>
          </div>
        )}
        {shipment && (
          <div className="shipment">
            <h3>Shipment</h3>
            <p>
              Shipped with {shipment.carrier} on {formatDate(shipment.shippedAt)}. Tracking number{" "}
              <a href={shipment.trackingUrl} target="_blank" rel="noreferrer">
                {shipment.trackingNumber}
                <span className="visually-hidden"> (opens the carrier's tracking page)</span>
              </a>
            </p>
          </div>
        )}
      </section>

      <div className="order-grid">
        <section className="card" aria-labelledby="items-heading">
          <h2 id="items-heading">Items</h2>
          <ul className="summary-lines" aria-label="Items in this order">
            {order.lines.map((line) => (
              <li key={line.sku}>
                <ProductArt sku={line.sku} name={line.name} size="small" />
                <span className="summary-line-name">
                  {line.name}
                  <span className="muted small">
                    {" "}
                    × {line.quantity} · {formatMoney(line.unitPrice)} each
                  </span>
                </span>
                <span className="summary-line-price">{formatMoney(line.lineTotal)}</span>
              </li>
            ))}
          </ul>
          <OrderTotals order={order} />
        </section>

        <section className="card" aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">Timeline</h2>
          <OrderTimeline order={order} carrierEvents={carrierEvents} />
        </section>

        <section className="card" aria-labelledby="delivery-heading">
          <h2 id="delivery-heading">Delivery and payment</h2>
          <div className="two-columns">
            <div>
              <h3>Shipping to</h3>
              <p>{order.customer.name}</p>
              <AddressText address={order.shippingAddress} />
              {order.shippingOption && (
                <p className="muted">
                  {order.shippingOption.name} · {order.shippingOption.carrierService}
                </p>
              )}
            </div>
            <div>
              <h3>Billing address</h3>
              {order.billingAddress ? <AddressText address={order.billingAddress} /> : <p>Same as shipping</p>}
              <h3>Payment</h3>
              <p>
                {order.paymentMethod?.brand
                  ? `${order.paymentMethod.brand.toUpperCase()}${order.paymentMethod.last4 ? ` ending ${order.paymentMethod.last4}` : ""}`
                  : order.paymentMethod
                    ? "Card"
                    : "Not charged yet"}
                {order.status === "PAYMENT_FAILED" && " (declined, not charged)"}
              </p>
            </div>
          </div>
        </section>

        <OrderActions order={order} />
      </div>
    </>
  );
}

function Progress({ status }: { status: string }) {
  const reached = progressIndex(status);
  if (reached === null) return null;
  return (
    <ol className="progress" aria-label="Progress">
      {PROGRESS_STEPS.map((step, index) => (
        <li
          key={step.key}
          // The last step reached is where the order is now; the final one, once reached, is done.
          className={index < reached || index === PROGRESS_STEPS.length - 1 && index === reached ? "done" : index === reached ? "current" : "todo"}
          aria-current={index === reached ? "step" : undefined}
        >
          <span className="progress-dot" aria-hidden="true" />
          <span>{step.label}</span>
          {index < reached && <span className="visually-hidden"> (done)</span>}
        </li>
      ))}
    </ol>
  );
}

/** A declined payment: the gateway's reason, and the same items in a new cart to pay again. */
function PaymentFailed({ order, reason }: { order: Order; reason: { code: string | null; message: string } | null }) {
  const { startCartWith } = useCartSession();
  const navigate = useNavigate();
  const [state, setState] = useState<{ kind: "idle" } | { kind: "busy" } | { kind: "problems"; problems: string[] } | { kind: "error"; error: unknown }>({
    kind: "idle",
  });
  async function tryAgain() {
    setState({ kind: "busy" });
    try {
      const { problems } = await startCartWith(order.lines.map((line) => ({ sku: line.sku, quantity: line.quantity })));
      if (problems.length === 0) void navigate("/checkout");
      else setState({ kind: "problems", problems });
    } catch (error) {
      setState({ kind: "error", error });
    }
  }
  return (
    <div className="failure">
      <p className="failure-reason">
        {reason ? (
          <>
            Your payment was declined: <strong>{reason.message}</strong>
            {reason.code && <span className="muted"> ({reason.code.replaceAll("_", " ")})</span>}
          </>
        ) : (
          "Your payment was declined."
        )}
      </p>
      <p>You can try again with another card: we put the same items in a new cart.</p>
      <button type="button" className="button primary" onClick={() => void tryAgain()} disabled={state.kind === "busy"}>
        {state.kind === "busy" ? "Preparing your cart…" : "Try again"}
      </button>
      {state.kind === "problems" && (
        <div className="alert alert-warning" role="alert">
          <p>Not everything could go back in your cart:</p>
          <ul>
            {state.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
          <Link to="/cart">Review your cart</Link>
        </div>
      )}
      {state.kind === "error" && <ErrorState title="A new cart could not be started." error={state.error} />}
    </div>
  );
}

function OrderTotals({ order }: { order: Order }) {
  return (
    <dl className="totals" aria-label="Order total">
      <dt>Subtotal</dt>
      <dd>{formatMoney(order.subtotal)}</dd>
      {order.discount.amount > 0 && (
        <>
          <dt>Discount{order.promotion && <code className="promo-code">{order.promotion.code}</code>}</dt>
          <dd className="discount">−{formatMoney(order.discount)}</dd>
        </>
      )}
      <dt>Shipping{order.shippingOption && <span className="totals-note">{order.shippingOption.name}</span>}</dt>
      <dd>{formatMoney(order.shipping)}</dd>
      <dt>{order.taxIncluded ? "Tax (included)" : "Tax"}</dt>
      <dd>{formatMoney(order.tax)}</dd>
      <dt className="total">Total</dt>
      <dd className="total">{formatMoney(order.total)}</dd>
    </dl>
  );
}

type CarrierEntry = { at: string; type?: string | null; location?: string | null; description?: string | null };

const CARRIER_LABEL: Record<string, string> = {
  in_transit: "In transit",
  out_for_delivery: "Out for delivery",
  delivered: "Delivered by the carrier",
  exception: "Delivery problem",
};

/** A recorded reason without the gateway's code in front ("insufficient_funds: Your card has…" → "Your card has…"). */
function reasonText(reason: string): string {
  return /^[a-z0-9_]+:\s*(.+)$/s.exec(reason)?.[1] ?? reason;
}

/** The order's statuses and the carrier's events, oldest first. */
function OrderTimeline({ order, carrierEvents }: { order: Order; carrierEvents: CarrierEntry[] }) {
  const entries = [
    ...order.statusHistory.map((change, index) => ({ key: `s-${index}`, at: change.at, kind: "status" as const, change })),
    ...carrierEvents.map((event, index) => ({ key: `c-${index}`, at: event.at, kind: "carrier" as const, event })),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.kind === b.kind ? 0 : a.kind === "carrier" ? -1 : 1));
  return (
    <ol className="timeline" aria-label="Order timeline">
      {entries.map((entry) =>
        entry.kind === "status" ? (
          <li key={entry.key} className="timeline-status">
            <strong>{statusText(entry.change.status).label}</strong> <time dateTime={entry.at}>{formatDateTimeSeconds(entry.at)}</time>
            {entry.change.reason && entry.change.reason !== "checked out" && <span className="muted"> — {reasonText(entry.change.reason)}</span>}
          </li>
        ) : (
          <li key={entry.key} className="timeline-carrier">
            <span className="badge badge-carrier">Carrier</span> <strong>{CARRIER_LABEL[entry.event.type ?? ""] ?? entry.event.type}</strong>{" "}
            <time dateTime={entry.at}>{formatDateTimeSeconds(entry.at)}</time>
            {entry.event.location && <span> · {entry.event.location}</span>}
            {entry.event.description && <span className="muted"> — {entry.event.description}</span>}
          </li>
        ),
      )}
    </ol>
  );
}

function OrderActions({ order }: { order: Order }) {
  const cancellable = CANCELLABLE.has(order.status);
  const returnable = canRequestReturn(order);
  const returns = order.returns ?? [];
  if (!cancellable && !returnable && returns.length === 0) return null;
  return (
    <section className="card" aria-labelledby="actions-heading">
      <h2 id="actions-heading">{returns.length > 0 || returnable ? "Returns" : "Changed your mind?"}</h2>
      {cancellable && (
        <>
          <p>You can cancel this order until it ships.</p>
          <CancelOrder order={order} />
        </>
      )}
      {returns.length > 0 && (
        <ul className="returns" aria-label="Your returns">
          {returns.map((ret) => (
            <li key={ret.returnId}>
              <strong>Return {ret.status === "REQUESTED" ? "requested" : ret.status.toLowerCase()}</strong> on {formatDate(ret.requestedAt)}:{" "}
              {ret.lines.map((line) => `${order.lines.find((l) => l.sku === line.sku)?.name ?? line.sku} × ${line.quantity}`).join(", ")}
              {ret.refund && <span> · refunded {formatMoney(ret.refund)}</span>}
              <span className="muted"> — “{ret.reason}”</span>
            </li>
          ))}
        </ul>
      )}
      {returnable && <ReturnRequest order={order} />}
    </section>
  );
}
