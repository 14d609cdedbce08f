import { countryName, formatMoney, useShippingOptions, type ShippingOption } from "@order-service/api";
import { createColumnHelper } from "@tanstack/react-table";
import { Link } from "react-router";
import { DataTable } from "../../components/DataTable";
import { Empty, ErrorState, Loading, PageHeader } from "../../components/states";
import { rateSummary } from "../../lib/shipping";

/** Country codes with their names for a reader who does not know them all. */
export function Countries({ codes }: { codes: string[] }) {
  return (
    <>
      {codes.map((code, i) => (
        <span key={code}>
          {i > 0 && ", "}
          <abbr title={countryName(code)}>{code}</abbr>
        </span>
      ))}
    </>
  );
}

const column = createColumnHelper<ShippingOption>();
const columns = [
  column.accessor("name", {
    header: "Name",
    cell: (info) => <Link to={`/shipping-options/${info.row.original.optionId}`}>{info.getValue()}</Link>,
  }),
  column.accessor("carrierService", { header: "Carrier service" }),
  column.accessor("countries", {
    header: "Ships to",
    cell: (info) => (
      <>
        <Countries codes={info.getValue()} />
        {info.row.original.regions.length > 0 && (
          <>
            <br />
            <span className="muted small">only {info.row.original.regions.join(", ")}</span>
          </>
        )}
      </>
    ),
  }),
  column.accessor("rate", { header: "Price", cell: (info) => rateSummary(info.getValue()) }),
  column.accessor("freeAbove", {
    header: "Free from",
    cell: (info) => (info.getValue() ? formatMoney(info.getValue()) : "—"),
    meta: { numeric: true },
  }),
  column.accessor("active", {
    header: "Status",
    cell: (info) =>
      info.getValue() ? <span className="badge badge-success">ACTIVE</span> : <span className="badge badge-neutral">INACTIVE</span>,
  }),
];

export function Component() {
  const options = useShippingOptions();
  return (
    <>
      <PageHeader title="Shipping options" description="How carts can be shipped, where to, and at what price.">
        <Link className="button primary" to="/shipping-options/new">
          New shipping option
        </Link>
      </PageHeader>
      {options.isPending ? (
        <Loading label="Loading shipping options…" />
      ) : options.isError ? (
        <ErrorState title="The shipping options could not be loaded." error={options.error} retry={() => void options.refetch()} />
      ) : options.data.items.length === 0 ? (
        <Empty>No shipping options yet: carts can be checked out without shipping.</Empty>
      ) : (
        <DataTable data={options.data.items} columns={columns} caption="Shipping options" rowKey={(o) => o.optionId} />
      )}
    </>
  );
}
