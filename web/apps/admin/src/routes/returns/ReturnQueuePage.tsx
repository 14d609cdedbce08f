import { useOpenReturns } from "@order-service/api";
import { Link } from "react-router";
import { Pager, useCursorPages } from "../../components/Pager";
import { StatusBadge } from "../../components/StatusBadge";
import { Empty, ErrorState, Loading, PageHeader } from "../../components/states";
import { formatDateTime } from "../../lib/format";

export function Component() {
  const pages = useCursorPages("returns");
  const returns = useOpenReturns({ limit: 20, ...(pages.cursor ? { cursor: pages.cursor } : {}) });
  return (
    <>
      <PageHeader title="Returns" description="Returns waiting for an administrator: requested, approved or being received." />
      {returns.isPending ? (
        <Loading label="Loading returns…" />
      ) : returns.isError ? (
        <ErrorState title="The returns could not be loaded." error={returns.error} retry={() => void returns.refetch()} />
      ) : returns.data.items.length === 0 ? (
        <Empty>No returns are waiting.</Empty>
      ) : (
        <div className="table-wrap" role="region" aria-label="Open returns" tabIndex={0}>
          <table className="data-table">
            <caption className="visually-hidden">Open returns</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Customer</th>
                <th scope="col">Status</th>
                <th scope="col">Items</th>
                <th scope="col">Reason</th>
                <th scope="col">Requested</th>
              </tr>
            </thead>
            <tbody>
              {returns.data.items.map((r) => (
                <tr key={r.returnId}>
                  <td>
                    <Link to={`/orders/${r.orderId}`}>{r.orderNumber}</Link>
                  </td>
                  <td>
                    {r.customer.name}
                    <br />
                    <span className="muted">{r.customer.email}</span>
                  </td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>{r.lines.map((l) => `${l.quantity} × ${l.sku}`).join(", ")}</td>
                  <td>{r.reason || "—"}</td>
                  <td>{formatDateTime(r.requestedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        page={pages.page}
        hasPrevious={pages.hasPrevious}
        nextCursor={returns.data?.nextCursor}
        onNext={pages.next}
        onPrevious={pages.previous}
        busy={returns.isFetching}
      />
    </>
  );
}
