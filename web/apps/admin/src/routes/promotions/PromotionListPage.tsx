import { formatMoney, usePromotions, type Promotion } from "@order-service/api";
import { createColumnHelper } from "@tanstack/react-table";
import { Link } from "react-router";
import { DataTable } from "../../components/DataTable";
import { Pager, useCursorPages } from "../../components/Pager";
import { Empty, ErrorState, Loading, PageHeader } from "../../components/states";
import { formatDateTime } from "../../lib/format";

/** Uses against the limit, as text and as a meter. */
export function Usage({ used, limit }: { used: number; limit?: number | undefined }) {
  if (!limit) return <span>{used} (no limit)</span>;
  return (
    <span className="usage">
      {used} of {limit}
      <meter min={0} max={limit} value={used} aria-label={`${used} of ${limit} uses`} />
    </span>
  );
}

const column = createColumnHelper<Promotion>();
const columns = [
  column.accessor("code", { header: "Code", cell: (info) => <Link to={`/promotions/${info.getValue()}`}>{info.getValue()}</Link> }),
  column.accessor("description", { header: "Description" }),
  column.accessor("discount", {
    header: "Discount",
    cell: (info) => {
      const d = info.getValue();
      return d.type === "PERCENTAGE" ? `${d.percentOff}% off` : `${formatMoney(d.amountOff)} off`;
    },
  }),
  column.accessor("used", { header: "Used", cell: (info) => <Usage used={info.getValue()} limit={info.row.original.usageLimit} /> }),
  column.accessor("endsAt", { header: "Ends", cell: (info) => formatDateTime(info.getValue()) }),
  column.accessor("active", {
    header: "Status",
    cell: (info) =>
      info.getValue() ? <span className="badge badge-success">ACTIVE</span> : <span className="badge badge-neutral">INACTIVE</span>,
  }),
];

export function Component() {
  const pages = useCursorPages("promotions");
  const promotions = usePromotions({ limit: 50, ...(pages.cursor ? { cursor: pages.cursor } : {}) });
  return (
    <>
      <PageHeader title="Promotions" description="Codes, their terms and how often they were used.">
        <Link className="button primary" to="/promotions/new">
          New promotion
        </Link>
      </PageHeader>
      {promotions.isPending ? (
        <Loading label="Loading promotions…" />
      ) : promotions.isError ? (
        <ErrorState title="The promotions could not be loaded." error={promotions.error} retry={() => void promotions.refetch()} />
      ) : promotions.data.items.length === 0 ? (
        <Empty>No promotions yet.</Empty>
      ) : (
        <DataTable data={promotions.data.items} columns={columns} caption="Promotions" rowKey={(p) => p.code} />
      )}
      <Pager
        page={pages.page}
        hasPrevious={pages.hasPrevious}
        nextCursor={promotions.data?.nextCursor}
        onNext={pages.next}
        onPrevious={pages.previous}
        busy={promotions.isFetching}
      />
    </>
  );
}
