import { formatMoney, OrderStatusValues, useOrderEvents, useOrders, type AdminOrder, type OrderListQuery, type OrderStatus } from "@order-service/api";
import { createColumnHelper } from "@tanstack/react-table";
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { DataTable } from "../../components/DataTable";
import { Pager, useCursorPages } from "../../components/Pager";
import { StatusBadge } from "../../components/StatusBadge";
import { Empty, ErrorState, Loading, PageHeader } from "../../components/states";
import { formatDateTime } from "../../lib/format";

/** Every status the contract names, in its order (generated, so a new status appears here). */
export const STATUSES: readonly OrderStatus[] = OrderStatusValues;

/** "42", "000042" or "ord-000042" → "ORD-000042"; undefined when it is not an order number. */
export function orderNumberOf(text: string): string | undefined {
  const match = /^\s*(?:ORD-?)?(\d{1,18})\s*$/i.exec(text);
  return match?.[1] ? `ORD-${match[1].padStart(6, "0")}` : undefined;
}

/**
 * The request for the filters, as the API's indexes combine them: an order
 * number alone; an e-mail with the dates; a status with the dates.
 */
export function orderQuery(filters: { status: string; from: string; to: string; q: string }, cursor?: string) {
  const dates = { ...(filters.from ? { from: filters.from } : {}), ...(filters.to ? { to: filters.to } : {}) };
  const page = { limit: 20, ...(cursor ? { cursor } : {}) };
  const number = orderNumberOf(filters.q);
  if (number) return { query: { limit: 20, orderNumber: number } as OrderListQuery, ignored: filters.status || filters.from || filters.to ? "status and dates" : "" };
  if (filters.q.trim()) return { query: { ...page, ...dates, email: filters.q.trim() } as OrderListQuery, ignored: filters.status ? "status" : "" };
  return { query: { ...page, ...dates, ...(filters.status ? { status: filters.status as OrderStatus } : {}) } as OrderListQuery, ignored: "" };
}

const column = createColumnHelper<AdminOrder>();
const columns = [
  column.accessor("orderNumber", {
    header: "Order",
    cell: (info) => <Link to={`/orders/${info.row.original.orderId}`}>{info.getValue()}</Link>,
  }),
  column.accessor("createdAt", { header: "Placed", cell: (info) => formatDateTime(info.getValue()) }),
  column.accessor((o) => o.customer.name, {
    id: "customer",
    header: "Customer",
    cell: (info) =>
      info.row.original.erasedAt ? (
        <span className="muted">Personal data erased</span>
      ) : (
        <>
          {info.getValue()}
          <br />
          <span className="muted">{info.row.original.customer.email}</span>
        </>
      ),
  }),
  column.accessor("status", { header: "Status", cell: (info) => <StatusBadge status={info.getValue()} /> }),
  column.accessor((o) => o.lines.reduce((n, l) => n + l.quantity, 0), { id: "items", header: "Items", meta: { numeric: true } }),
  column.accessor("total", { header: "Total", cell: (info) => formatMoney(info.getValue()), meta: { numeric: true } }),
];

export function Component() {
  const [params, setParams] = useSearchParams();
  const filters = {
    status: (params.get("status") ?? "") as OrderStatus | "",
    from: params.get("from") ?? "",
    to: params.get("to") ?? "",
    q: params.get("q") ?? "",
  };
  const pages = useCursorPages(params.toString());
  const { query, ignored } = orderQuery(filters, pages.cursor);
  const orders = useOrders(query);
  // Statuses change in the list as orders move.
  useOrderEvents({ scope: "admin" });
  const [draft, setDraft] = useState(filters);

  function apply(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [key, value] of Object.entries(draft)) if (value) next.set(key, value);
    setParams(next);
  }

  return (
    <>
      <PageHeader title="Orders" description="Every order, newest first." />
      <form className="filters" onSubmit={apply} aria-label="Filter orders">
        <div className="field">
          <label htmlFor="order-status">Status</label>
          <select id="order-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value as OrderStatus | "" })}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replaceAll("_", " ")}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="order-from">Placed from</label>
          <input id="order-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="order-to">Placed to</label>
          <input id="order-to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="order-q">Order number or customer e-mail</label>
          <input id="order-q" type="search" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />
        </div>
        <div className="filter-actions">
          <button type="submit" className="button primary">
            Apply filters
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              setDraft({ status: "", from: "", to: "", q: "" });
              setParams(new URLSearchParams());
            }}
          >
            Clear
          </button>
        </div>
      </form>
      {ignored && (
        <p className="muted small" role="status">
          {orderNumberOf(filters.q) ? "An order number is looked up on its own" : "An e-mail search takes dates but no status"}: the{" "}
          {ignored} filter{ignored.includes(" and ") ? "s are" : " is"} not applied.
        </p>
      )}
      {orders.isPending ? (
        <Loading label="Loading orders…" />
      ) : orders.isError ? (
        <ErrorState title="The orders could not be loaded." error={orders.error} retry={() => void orders.refetch()} />
      ) : orders.data.items.length === 0 ? (
        <Empty>{pages.page > 1 ? "No more orders on this page." : "No orders match these filters."}</Empty>
      ) : (
        <DataTable data={orders.data.items} columns={columns} caption="Orders" rowKey={(o) => o.orderId} />
      )}
      <Pager
        page={pages.page}
        hasPrevious={pages.hasPrevious}
        nextCursor={orders.data?.nextCursor}
        onNext={pages.next}
        onPrevious={pages.previous}
        busy={orders.isFetching}
      />
    </>
  );
}
