import { useFulfilmentQueue } from "@order-service/api";
import { Link, useSearchParams } from "react-router";
import { Empty, ErrorState, Loading, PageHeader } from "../../components/states";
import { formatDateTime } from "../../lib/format";
import { QUEUE_PAGE_SIZE } from "./FulfilmentQueuePage";

/**
 * What to pick for a page of the fulfilment queue: the units of each SKU and
 * the orders they go into, as the API adds them up. Printable: the print
 * style sheet leaves out the dashboard's navigation and buttons.
 */
export function Component() {
  const [params] = useSearchParams();
  const cursor = params.get("cursor") ?? undefined;
  const queue = useFulfilmentQueue({ limit: QUEUE_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
  const units = queue.data?.pickList.reduce((n, e) => n + e.quantity, 0) ?? 0;

  return (
    <div className="pick-list-page">
      <p className="breadcrumb no-print">
        <Link to="/fulfilment">Fulfilment</Link> / Pick list
      </p>
      <PageHeader
        title="Pick list"
        description={
          queue.data
            ? `${queue.data.items.length} order${queue.data.items.length === 1 ? "" : "s"}, ${units} unit${units === 1 ? "" : "s"} · ${formatDateTime(new Date(queue.dataUpdatedAt).toISOString())}`
            : undefined
        }
      >
        {queue.data && queue.data.pickList.length > 0 && (
          <button type="button" className="button primary no-print" onClick={() => window.print()}>
            Print
          </button>
        )}
      </PageHeader>
      {queue.isPending ? (
        <Loading label="Loading the pick list…" />
      ) : queue.isError ? (
        <ErrorState title="The pick list could not be loaded." error={queue.error} retry={() => void queue.refetch()} />
      ) : queue.data.pickList.length === 0 ? (
        <Empty>Nothing to pick: no orders are waiting to be shipped.</Empty>
      ) : (
        <>
          {queue.data.nextCursor && (
            <p className="alert alert-info">
              This list covers the {queue.data.items.length} oldest orders of this page of the queue; the next page has its own.
            </p>
          )}
          <div className="table-wrap" role="region" aria-label="Pick list" tabIndex={0}>
            <table className="data-table pick-list">
              <caption className="visually-hidden">Pick list</caption>
              <thead>
                <tr>
                  <th scope="col">SKU</th>
                  <th scope="col">Product</th>
                  <th scope="col" className="num">
                    Quantity
                  </th>
                  <th scope="col">Orders</th>
                  <th scope="col" className="pick-box-cell">
                    Picked
                  </th>
                </tr>
              </thead>
              <tbody>
                {queue.data.pickList.map((entry) => (
                  <tr key={entry.sku}>
                    <th scope="row">{entry.sku}</th>
                    <td>{entry.name}</td>
                    <td className="num pick-quantity">{entry.quantity}</td>
                    <td>{entry.orders.join(", ")}</td>
                    <td className="pick-box-cell">
                      <span className="pick-box" aria-hidden="true" />
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={2}>
                    Total
                  </th>
                  <td className="num pick-quantity">{units}</td>
                  <td colSpan={2}>
                    {queue.data.items.length} order{queue.data.items.length === 1 ? "" : "s"}
                  </td>
                </tr>
              </tfoot>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
