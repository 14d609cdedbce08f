import { formatMoney, usePayments, type PaymentsQuery } from "@order-service/api";
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { Pager, useCursorPages } from "../../components/Pager";
import { StatusBadge } from "../../components/StatusBadge";
import { Empty, ErrorState, Loading, PageHeader } from "../../components/states";
import { formatDateTime } from "../../lib/format";

export function Component() {
  return (
    <>
      <PageHeader title="Payments" description="Every capture, decline and refund across orders, newest first." />
      <Payments />
    </>
  );
}

function Payments() {
  const [params, setParams] = useSearchParams();
  const filters = { kind: params.get("kind") ?? "", from: params.get("from") ?? "", to: params.get("to") ?? "" };
  const [draft, setDraft] = useState(filters);
  const pages = useCursorPages(params.toString());
  const query: PaymentsQuery = {
    limit: 20,
    ...(filters.kind ? { kind: filters.kind as NonNullable<PaymentsQuery["kind"]> } : {}),
    ...(filters.from ? { from: filters.from } : {}),
    ...(filters.to ? { to: filters.to } : {}),
    ...(pages.cursor ? { cursor: pages.cursor } : {}),
  };
  const payments = usePayments(query);
  const page = payments.data;
  const items = page?.items ?? [];

  function apply(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [key, value] of Object.entries(draft)) if (value) next.set(key, value);
    setParams(next);
  }

  return (
    <>
      <form className="filters" onSubmit={apply} aria-label="Filter payments">
        <div className="field">
          <label htmlFor="pay-kind">Kind</label>
          <select id="pay-kind" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value })}>
            <option value="">Any kind</option>
            <option value="capture">Captures</option>
            <option value="decline">Declines</option>
            <option value="refund">Refunds</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="pay-from">From</label>
          <input id="pay-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="pay-to">To</label>
          <input id="pay-to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </div>
        <div className="filter-actions">
          <button type="submit" className="button primary">
            Apply filters
          </button>
        </div>
      </form>
      {payments.isPending ? (
        <Loading label="Loading payments…" />
      ) : payments.isError ? (
        <ErrorState title="The payments could not be loaded." error={payments.error} retry={() => void payments.refetch()} />
      ) : items.length === 0 ? (
        <Empty>No payments match these filters.</Empty>
      ) : (
        <div className="table-wrap" role="region" aria-label="Payments" tabIndex={0}>
          <table className="data-table">
            <caption className="visually-hidden">Payments</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Kind</th>
                <th scope="col">Order</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Method</th>
                <th scope="col">Reference</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.eventId}>
                  <td>{formatDateTime(p.at)}</td>
                  <td>
                    <StatusBadge status={p.kind} />
                    {p.declineCode && <span className="muted"> {p.declineCode}</span>}
                    {p.reason && <span className="muted"> {p.reason}</span>}
                  </td>
                  <td>
                    <Link to={`/orders/${p.orderId}`}>{p.orderNumber}</Link>
                  </td>
                  <td className="num">{formatMoney(p.amount)}</td>
                  <td>{[p.methodType, p.brand, p.last4 ? `•••• ${p.last4}` : null].filter(Boolean).join(" · ") || "—"}</td>
                  <td>
                    <code>{p.reference ?? "—"}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        page={pages.page}
        hasPrevious={pages.hasPrevious}
        nextCursor={page?.nextCursor}
        onNext={pages.next}
        onPrevious={pages.previous}
        busy={payments.isFetching}
      />
    </>
  );
}
