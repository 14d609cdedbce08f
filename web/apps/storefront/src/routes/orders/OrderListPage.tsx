import { formatMoney, useMyOrders, useOrderEvents } from "@order-service/api";
import { useAuth } from "@order-service/auth";
import { useState } from "react";
import { Link } from "react-router";
import { PageHeader } from "../../components/Layout";
import { StatusBadge } from "../../components/StatusBadge";
import { Empty, ErrorState, Loading } from "../../components/states";
import { formatDate, plural } from "../../lib/format";
import { SignInRequired } from "./SignInRequired";

const PAGE_SIZE = 10;

export function Component() {
  const { user } = useAuth();
  if (!user) return <SignInRequired title="My orders" what="see your orders" />;
  return <MyOrders />;
}

function MyOrders() {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const orders = useMyOrders({ limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
  // Statuses change on this page as they change in the shop.
  useOrderEvents({ scope: "customer" });
  const items = orders.data?.items ?? [];
  const nextCursor = orders.data?.nextCursor;
  return (
    <>
      <PageHeader title="My orders" />
      {orders.isPending ? (
        <Loading label="Loading your orders…" />
      ) : orders.isError ? (
        <ErrorState title="Your orders could not be loaded." error={orders.error} retry={() => void orders.refetch()} />
      ) : items.length === 0 && cursors.length === 1 ? (
        <Empty>
          <p>You have not ordered anything yet.</p>
          <p>
            <Link to="/" className="button primary">
              Start shopping
            </Link>
          </p>
        </Empty>
      ) : (
        <>
          <ul className="order-list" aria-label="Orders">
            {items.map((order) => {
              const units = order.lines.reduce((n, line) => n + line.quantity, 0);
              return (
                <li key={order.orderId} className="order-card">
                  <div className="order-card-head">
                    <h2>
                      <Link to={`/orders/${order.orderId}`}>Order {order.orderNumber}</Link>
                    </h2>
                    <StatusBadge status={order.status} />
                  </div>
                  <p className="muted">
                    Placed {formatDate(order.createdAt)} · {plural(units, "item")} · {formatMoney(order.total)}
                  </p>
                  <p className="order-card-lines">{order.lines.map((line) => `${line.name} × ${line.quantity}`).join(", ")}</p>
                </li>
              );
            })}
          </ul>
          {items.length === 0 && <p className="muted">No more orders.</p>}
          {(cursors.length > 1 || nextCursor) && (
            <nav className="pager" aria-label="Pages">
              <button type="button" className="button small" disabled={cursors.length === 1 || orders.isFetching} onClick={() => setCursors(cursors.slice(0, -1))}>
                Newer orders
              </button>
              <span aria-live="polite">Page {cursors.length}</span>
              <button
                type="button"
                className="button small"
                disabled={!nextCursor || orders.isFetching}
                onClick={() => nextCursor && setCursors([...cursors, nextCursor])}
              >
                Older orders
              </button>
            </nav>
          )}
        </>
      )}
    </>
  );
}
