import { useInventory, type InventoryItem } from "@order-service/api";
import { createColumnHelper } from "@tanstack/react-table";
import { Link, useSearchParams } from "react-router";
import { DataTable } from "../../components/DataTable";
import { Pager, useCursorPages } from "../../components/Pager";
import { Empty, ErrorState, Loading, PageHeader } from "../../components/states";

const column = createColumnHelper<InventoryItem>();
const columns = [
  column.accessor("sku", { header: "SKU", cell: (info) => <Link to={`/inventory/${info.getValue()}`}>{info.getValue()}</Link> }),
  column.accessor("name", {
    header: "Product",
    cell: (info) => (
      <>
        {info.getValue()}
        {!info.row.original.active && <span className="badge badge-neutral">ARCHIVED</span>}
      </>
    ),
  }),
  column.accessor("onHand", { header: "On hand", meta: { numeric: true } }),
  column.accessor("reserved", { header: "Reserved", meta: { numeric: true } }),
  column.accessor("available", {
    header: "Available",
    meta: { numeric: true },
    cell: (info) => (
      <>
        {info.getValue()}
        {info.row.original.lowStock && <span className="badge badge-warning">LOW</span>}
      </>
    ),
  }),
  column.accessor("lowStockThreshold", { header: "Low at", meta: { numeric: true } }),
  column.display({
    id: "actions",
    header: "Stock",
    cell: (info) => (
      <Link to={`/inventory/${info.row.original.sku}`} aria-label={`Adjust stock of ${info.row.original.sku}`}>
        Adjust
      </Link>
    ),
  }),
];

export function Component() {
  const [params, setParams] = useSearchParams();
  const lowStock = params.get("lowStock") === "true";
  const pages = useCursorPages(params.toString());
  const inventory = useInventory({ limit: 50, lowStock, ...(pages.cursor ? { cursor: pages.cursor } : {}) });
  return (
    <>
      <PageHeader title="Inventory" description="On hand, reserved and available stock per SKU." />
      <div className="filters">
        <div className="field field-check">
          <input
            id="low-stock"
            type="checkbox"
            checked={lowStock}
            onChange={(e) => setParams(e.target.checked ? { lowStock: "true" } : {})}
          />
          <label htmlFor="low-stock">Low stock only</label>
        </div>
      </div>
      {inventory.isPending ? (
        <Loading label="Loading stock…" />
      ) : inventory.isError ? (
        <ErrorState title="The stock could not be loaded." error={inventory.error} retry={() => void inventory.refetch()} />
      ) : inventory.data.items.length === 0 ? (
        <Empty>{lowStock ? "No SKU on this page is low on stock." : "No products yet."}</Empty>
      ) : (
        <DataTable data={inventory.data.items} columns={columns} caption="Stock per SKU" rowKey={(i) => i.sku} />
      )}
      <Pager
        page={pages.page}
        hasPrevious={pages.hasPrevious}
        nextCursor={inventory.data?.nextCursor}
        onNext={pages.next}
        onPrevious={pages.previous}
        busy={inventory.isFetching}
      />
    </>
  );
}
