import { useInventory, type InventoryItem } from "@order-service/api";
import { createColumnHelper } from "@tanstack/react-table";
import { Link } from "react-router";
import { DataTable } from "../../components/DataTable";
import { Pager, useCursorPages } from "../../components/Pager";
import { Empty, ErrorState, Loading, PageHeader } from "../../components/states";

const column = createColumnHelper<InventoryItem>();
const columns = [
  column.accessor("sku", { header: "SKU", cell: (info) => <Link to={`/products/${info.getValue()}`}>{info.getValue()}</Link> }),
  column.accessor("name", { header: "Name" }),
  column.accessor("active", {
    header: "Status",
    cell: (info) =>
      info.getValue() ? <span className="badge badge-success">ACTIVE</span> : <span className="badge badge-neutral">ARCHIVED</span>,
  }),
  column.accessor("available", { header: "Available", meta: { numeric: true } }),
];

/** Every product, archived ones included (the inventory listing is the admin catalog). */
export function Component() {
  const pages = useCursorPages("products");
  const products = useInventory({ limit: 50, ...(pages.cursor ? { cursor: pages.cursor } : {}) });
  return (
    <>
      <PageHeader title="Products" description="The catalog, archived products included.">
        <Link className="button primary" to="/products/new">
          New product
        </Link>
      </PageHeader>
      {products.isPending ? (
        <Loading label="Loading products…" />
      ) : products.isError ? (
        <ErrorState title="The products could not be loaded." error={products.error} retry={() => void products.refetch()} />
      ) : products.data.items.length === 0 ? (
        <Empty>No products yet. Create the first one.</Empty>
      ) : (
        <DataTable data={products.data.items} columns={columns} caption="Products" rowKey={(p) => p.sku} />
      )}
      <Pager
        page={pages.page}
        hasPrevious={pages.hasPrevious}
        nextCursor={products.data?.nextCursor}
        onNext={pages.next}
        onPrevious={pages.previous}
        busy={products.isFetching}
      />
    </>
  );
}
