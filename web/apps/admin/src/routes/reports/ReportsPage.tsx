import {
  formatMoney,
  isApiError,
  useCustomersReport,
  useLowStockReport,
  useProductsReport,
  useReportCsv,
  useRunLowStockReport,
  useSalesReport,
  type CsvReport,
  type Money,
  type ProductsReport,
  type SalesReport,
} from "@order-service/api";
import { useState, type FormEvent } from "react";
import { Empty, ErrorState, FormError, Loading, PageHeader } from "../../components/states";
import { saveFile } from "../../lib/download";
import { formatDateTime, percent, utcDay } from "../../lib/format";
import SalesChart from "./SalesChart";

type Granularity = "day" | "week" | "month";
type Range = { from: string; to: string; granularity: Granularity };

export function Component() {
  const [range, setRange] = useState<Range>({ from: utcDay(-29), to: utcDay(0), granularity: "day" });
  const [draft, setDraft] = useState(range);
  function apply(event: FormEvent) {
    event.preventDefault();
    setRange(draft);
  }
  return (
    <>
      <PageHeader title="Reports" description="Sales, products and customers over a range of UTC days." />
      <form className="filters" onSubmit={apply} aria-label="Report range">
        <div className="field">
          <label htmlFor="report-from">From</label>
          <input id="report-from" type="date" required value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="report-to">To</label>
          <input id="report-to" type="date" required value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="report-granularity">Sales per</label>
          <select
            id="report-granularity"
            value={draft.granularity}
            onChange={(e) => {
              const next = { ...draft, granularity: e.target.value as Granularity };
              setDraft(next);
              setRange({ ...range, granularity: next.granularity });
            }}
          >
            <option value="day">Day</option>
            <option value="week">Week</option>
            <option value="month">Month</option>
          </select>
        </div>
        <div className="filter-actions">
          <button type="submit" className="button primary">
            Show
          </button>
        </div>
      </form>
      <Sales range={range} />
      <Products range={range} />
      <Customers range={range} />
      <LowStock />
    </>
  );
}

function CsvButton({ report, range, label }: { report: CsvReport; range: Range; label: string }) {
  const csv = useReportCsv(report);
  return (
    <span className="stack-right">
      <button
        type="button"
        className="button small"
        disabled={csv.isPending}
        onClick={() =>
          csv.mutate(range, {
            onSuccess: (text) => saveFile(text, `${report}-${range.from}-to-${range.to}.csv`, "text/csv"),
          })
        }
      >
        {label}
      </button>
      <FormError error={csv.error} />
    </span>
  );
}

function Sales({ range }: { range: Range }) {
  const sales = useSalesReport(range);
  return (
    <section className="card" aria-labelledby="sales-heading">
      <div className="row spread">
        <h2 id="sales-heading">Sales per {range.granularity}</h2>
        <CsvButton report="sales" range={range} label="Download sales CSV" />
      </div>
      {sales.isPending ? (
        <Loading label="Loading sales…" />
      ) : sales.isError ? (
        <ErrorState error={sales.error} retry={() => void sales.refetch()} />
      ) : (
        <SalesBody report={sales.data} />
      )}
    </section>
  );
}

type SalesFigures = SalesReport["totals"];
type MoneyFigure = {
  [K in keyof SalesFigures]: SalesFigures[K] extends Money ? K : never;
}[keyof SalesFigures];

/** How revenue and refunds split (goods and shipping without their tax; all tax under Tax), in the order the page shows them. */
const COLLECTED: { key: MoneyFigure; label: string }[] = [
  { key: "goodsCollected", label: "Goods" },
  { key: "shippingCollected", label: "Shipping" },
  { key: "taxCollected", label: "Tax" },
];
const REFUNDED: { key: MoneyFigure; label: string }[] = [
  { key: "goodsRefunded", label: "Goods" },
  { key: "shippingRefunded", label: "Shipping" },
  { key: "taxRefunded", label: "Tax" },
];

function FigureGroup({ id, title, total, parts, figures }: { id: string; title: string; total: Money; parts: typeof COLLECTED; figures: SalesFigures }) {
  return (
    <section className="figure-group" aria-labelledby={id}>
      <h3 id={id}>
        {title} <span className="muted">{formatMoney(total)}</span>
      </h3>
      <dl className="figures compact">
        {parts.map(({ key, label }) => (
          <div key={key}>
            <dt>{label}</dt>
            <dd>{formatMoney(figures[key])}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function SalesBody({ report }: { report: SalesReport }) {
  const t = report.totals;
  return (
    <>
      <dl className="figures">
        <div>
          <dt>Orders</dt>
          <dd>{t.orders}</dd>
        </div>
        <div>
          <dt>Revenue</dt>
          <dd>{formatMoney(t.revenue)}</dd>
        </div>
        <div>
          <dt>Refunds</dt>
          <dd>{formatMoney(t.refunds)}</dd>
        </div>
        <div>
          <dt>Net revenue</dt>
          <dd>{formatMoney(t.netRevenue)}</dd>
        </div>
        <div>
          <dt>Average order</dt>
          <dd>{formatMoney(t.averageOrderValue)}</dd>
        </div>
      </dl>
      <div className="figure-groups">
        <FigureGroup id="sales-collected" title="Collected" total={t.revenue} parts={COLLECTED} figures={t} />
        <FigureGroup id="sales-refunded" title="Refunded" total={t.refunds} parts={REFUNDED} figures={t} />
      </div>
      <p className="muted small">Goods and shipping are counted without their tax; all the tax, on goods and on shipping, is under Tax.</p>
      {t.orders === 0 && t.refunds.amount === 0 ? (
        <Empty>No sales in this range yet.</Empty>
      ) : (
        <figure className="chart" aria-label={`Revenue per ${report.granularity}, ${report.from} to ${report.to}`}>
          <SalesChart report={report} />
        </figure>
      )}
      <details className="table-details">
        <summary>Figures per {report.granularity}</summary>
        <div className="table-wrap" role="region" aria-label={`Sales per ${report.granularity}, table`} tabIndex={0}>
          <table className="data-table grouped" aria-label={`Sales per ${report.granularity}`}>
            <colgroup span={3} />
            <colgroup span={4} />
            <colgroup span={4} />
            <colgroup span={1} />
            <thead>
              <tr>
                <th scope="col" rowSpan={2}>
                  Period
                </th>
                <th scope="col" rowSpan={2} className="num">
                  Orders
                </th>
                <th scope="col" rowSpan={2} className="num">
                  Units
                </th>
                <th scope="colgroup" colSpan={4} className="group-start group-head">
                  Collected
                </th>
                <th scope="colgroup" colSpan={4} className="group-start group-head">
                  Refunded
                </th>
                <th scope="col" rowSpan={2} className="num group-start">
                  Net revenue
                </th>
              </tr>
              <tr>
                <th scope="col" className="num group-start">
                  Revenue
                </th>
                {COLLECTED.map(({ key, label }) => (
                  <th key={key} scope="col" className="num">
                    {label}
                  </th>
                ))}
                <th scope="col" className="num group-start">
                  Refunds
                </th>
                {REFUNDED.map(({ key, label }) => (
                  <th key={key} scope="col" className="num">
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {[...report.periods].reverse().map((p) => (
                <tr key={p.period}>
                  <th scope="row">{p.period}</th>
                  <td className="num">{p.orders}</td>
                  <td className="num">{p.units}</td>
                  <td className="num group-start">{formatMoney(p.revenue)}</td>
                  {COLLECTED.map(({ key }) => (
                    <td key={key} className="num">
                      {formatMoney(p[key])}
                    </td>
                  ))}
                  <td className="num group-start">{formatMoney(p.refunds)}</td>
                  {REFUNDED.map(({ key }) => (
                    <td key={key} className="num">
                      {formatMoney(p[key])}
                    </td>
                  ))}
                  <td className="num group-start">{formatMoney(p.netRevenue)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

function ProductTable({ items, caption }: { items: ProductsReport["topSellers"]; caption: string }) {
  if (items.length === 0) return <Empty>None in this range.</Empty>;
  return (
    <div className="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table className="data-table" aria-label={caption}>
        <thead>
          <tr>
            <th scope="col">SKU</th>
            <th scope="col">Product</th>
            <th scope="col" className="num">
              Sold
            </th>
            <th scope="col" className="num">
              Revenue
            </th>
            <th scope="col" className="num">
              Returned
            </th>
            <th scope="col" className="num">
              Return rate
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((p) => (
            <tr key={p.sku}>
              <td>{p.sku}</td>
              <td>{p.name}</td>
              <td className="num">{p.unitsSold}</td>
              <td className="num">{formatMoney(p.revenue)}</td>
              <td className="num">{p.unitsReturned}</td>
              <td className="num">{percent(p.returnRate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Products({ range }: { range: Range }) {
  const products = useProductsReport({ from: range.from, to: range.to, limit: 10 });
  return (
    <section className="card" aria-labelledby="products-heading">
      <div className="row spread">
        <h2 id="products-heading">Products</h2>
        <CsvButton report="products" range={range} label="Download products CSV" />
      </div>
      {products.isPending ? (
        <Loading label="Loading products…" />
      ) : products.isError ? (
        <ErrorState error={products.error} retry={() => void products.refetch()} />
      ) : (
        <div className="stack">
          <div>
            <h3>Top sellers</h3>
            <ProductTable items={products.data.topSellers} caption="Top sellers" />
          </div>
          <div>
            <h3>Most returned</h3>
            <ProductTable items={products.data.mostReturned} caption="Most returned" />
          </div>
        </div>
      )}
    </section>
  );
}

function Customers({ range }: { range: Range }) {
  const customers = useCustomersReport({ from: range.from, to: range.to });
  return (
    <section className="card" aria-labelledby="customers-heading">
      <div className="row spread">
        <h2 id="customers-heading">Customers</h2>
        <CsvButton report="customers" range={range} label="Download customers CSV" />
      </div>
      {customers.isPending ? (
        <Loading label="Loading customers…" />
      ) : customers.isError ? (
        <ErrorState error={customers.error} retry={() => void customers.refetch()} />
      ) : (
        <dl className="figures">
          <div>
            <dt>Customers</dt>
            <dd>{customers.data.customers}</dd>
          </div>
          <div>
            <dt>New</dt>
            <dd>{customers.data.newCustomers}</dd>
          </div>
          <div>
            <dt>Returning</dt>
            <dd>{customers.data.returningCustomers}</dd>
          </div>
          <div>
            <dt>Repeat rate</dt>
            <dd>{percent(customers.data.repeatCustomerRate)}</dd>
          </div>
          <div>
            <dt>Orders per customer</dt>
            <dd>{customers.data.ordersPerCustomer.toFixed(2)}</dd>
          </div>
          <div>
            <dt>Average order</dt>
            <dd>{formatMoney(customers.data.averageOrderValue)}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}

function LowStock() {
  const report = useLowStockReport();
  const run = useRunLowStockReport();
  const notYet = report.isError && isApiError(report.error) && report.error.status === 404;
  return (
    <section className="card" aria-labelledby="low-stock-heading">
      <div className="row spread">
        <h2 id="low-stock-heading">Low-stock report</h2>
        <button type="button" className="button small" disabled={run.isPending} onClick={() => run.mutate()}>
          {run.isPending ? "Running…" : "Run it now"}
        </button>
      </div>
      <FormError error={run.error} />
      {report.isPending ? (
        <Loading label="Loading the low-stock report…" />
      ) : notYet ? (
        <Empty>The low-stock report has not run yet.</Empty>
      ) : report.isError ? (
        <ErrorState error={report.error} retry={() => void report.refetch()} />
      ) : (
        <>
          <p className="muted">
            Generated {formatDateTime(report.data.generatedAt)} · {report.data.outOfStock} out of stock · sales over{" "}
            {report.data.windowDays} days
          </p>
          {report.data.items.length === 0 ? (
            <Empty>No SKU was low on stock.</Empty>
          ) : (
            <div className="table-wrap" role="region" aria-label="Low-stock SKUs, table" tabIndex={0}>
              <table className="data-table" aria-label="Low-stock SKUs">
                <thead>
                  <tr>
                    <th scope="col">SKU</th>
                    <th scope="col">Product</th>
                    <th scope="col" className="num">
                      Available
                    </th>
                    <th scope="col" className="num">
                      Threshold
                    </th>
                    <th scope="col" className="num">
                      Sold
                    </th>
                    <th scope="col" className="num">
                      Days of cover
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {report.data.items.map((i) => (
                    <tr key={i.sku}>
                      <td>{i.sku}</td>
                      <td>
                        {i.name} {i.outOfStock && <span className="badge badge-danger">OUT</span>}
                      </td>
                      <td className="num">{i.available}</td>
                      <td className="num">{i.threshold}</td>
                      <td className="num">{i.unitsSold}</td>
                      <td className="num">{i.daysOfCover === null || i.daysOfCover === undefined ? "—" : i.daysOfCover.toFixed(1)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
