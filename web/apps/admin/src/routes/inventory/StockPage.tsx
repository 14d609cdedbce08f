import { useAdjustStock, useInventoryItem, useStockLedger } from "@order-service/api";
import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Link, useParams } from "react-router";
import { z } from "zod";
import { applyServerError, Field } from "@order-service/ui";
import { Pager, useCursorPages } from "../../components/Pager";
import { Empty, ErrorState, FormError, Loading, PageHeader } from "../../components/states";
import { formatDateTime } from "../../lib/format";

export const stockSchema = z.object({
  direction: z.enum(["receive", "writeOff"]),
  quantity: z.coerce
    .number({ error: "Enter a whole number" })
    .int("Enter a whole number")
    .min(1, "At least 1")
    .max(1_000_000, "At most 1000000"),
  reason: z.string().trim().min(1, "Say why the stock moves").max(200, "At most 200 characters"),
});
type StockValues = z.input<typeof stockSchema>;
type StockParsed = z.output<typeof stockSchema>;

export function Component() {
  const { sku = "" } = useParams();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/inventory">Inventory</Link> / {sku}
      </p>
      <PageHeader title={`Stock of ${sku}`} />
      <div className="grid-2">
        <StockFigures sku={sku} />
        <AdjustStockForm sku={sku} />
      </div>
      <section className="card" aria-labelledby="ledger-heading">
        <h2 id="ledger-heading">Ledger</h2>
        <Ledger sku={sku} />
      </section>
    </>
  );
}

/** The SKU's counters. */
function StockFigures({ sku }: { sku: string }) {
  const inventory = useInventoryItem(sku);
  const item = inventory.data;
  return (
    <section className="card" aria-labelledby="figures-heading">
      <h2 id="figures-heading">Now</h2>
      {inventory.isPending ? (
        <Loading />
      ) : inventory.isError ? (
        <ErrorState error={inventory.error} retry={() => void inventory.refetch()} />
      ) : !item ? (
        <Empty>No product has the SKU {sku}.</Empty>
      ) : (
        <dl className="figures">
          <div>
            <dt>On hand</dt>
            <dd data-testid="on-hand">{item.onHand}</dd>
          </div>
          <div>
            <dt>Reserved</dt>
            <dd>{item.reserved}</dd>
          </div>
          <div>
            <dt>Available</dt>
            <dd data-testid="available">{item.available}</dd>
          </div>
          <div>
            <dt>Low at</dt>
            <dd>{item.lowStockThreshold}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}

function AdjustStockForm({ sku }: { sku: string }) {
  const adjust = useAdjustStock(sku);
  const [done, setDone] = useState<string | null>(null);
  const form = useForm<StockValues, unknown, StockParsed>({
    resolver: zodResolver(stockSchema),
    defaultValues: { direction: "receive", quantity: "", reason: "" },
  });
  const submit = form.handleSubmit((values) => {
    setDone(null);
    const delta = values.direction === "receive" ? values.quantity : -values.quantity;
    adjust.mutate(
      { delta, reason: values.reason },
      {
        onSuccess: (item) => {
          form.reset({ direction: values.direction, quantity: "", reason: "" });
          setDone(`${delta > 0 ? "Received" : "Wrote off"} ${Math.abs(delta)}. Available now: ${item.available}.`);
        },
        onError: (error) => applyServerError(error, form.setError, { delta: "quantity", reason: "reason" }),
      },
    );
  });
  const errors = form.formState.errors;
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="adjust-heading" noValidate>
      <h2 id="adjust-heading">Receive or adjust stock</h2>
      <fieldset className="radios">
        <legend>Movement</legend>
        <label>
          <input type="radio" value="receive" {...form.register("direction")} /> Receive (add)
        </label>
        <label>
          <input type="radio" value="writeOff" {...form.register("direction")} /> Write off (remove)
        </label>
      </fieldset>
      <Field label="Quantity" error={errors.quantity}>
        {(props) => <input {...props} type="number" min={1} step={1} inputMode="numeric" {...form.register("quantity")} />}
      </Field>
      <Field label="Reason" error={errors.reason} hint="Recorded in the ledger, e.g. purchase order PO-1001 received.">
        {(props) => <input {...props} maxLength={200} {...form.register("reason")} />}
      </Field>
      <FormError error={adjust.isError && !errors.quantity && !errors.reason ? adjust.error : null} />
      {done && (
        <p role="status" className="alert alert-success">
          {done}
        </p>
      )}
      <div>
        <button type="submit" className="button primary" disabled={adjust.isPending}>
          {adjust.isPending ? "Saving…" : "Save stock movement"}
        </button>
      </div>
    </form>
  );
}


function Ledger({ sku }: { sku: string }) {
  const pages = useCursorPages(sku);
  const ledger = useStockLedger(sku, { limit: 20, ...(pages.cursor ? { cursor: pages.cursor } : {}) });
  const page = ledger.data;
  if (ledger.isPending) return <Loading label="Loading the ledger…" />;
  if (ledger.isError) return <ErrorState error={ledger.error} retry={() => void ledger.refetch()} />;
  if (!page || page.items.length === 0) return <Empty>No stock movements yet.</Empty>;
  return (
    <>
      <div className="table-wrap" role="region" aria-label={`Stock movements of ${sku}`} tabIndex={0}>
        <table className="data-table">
          <caption className="visually-hidden">Stock movements of {sku}</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col" className="num">
                Change
              </th>
              <th scope="col">Reason</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((e) => (
              <tr key={e.entryId}>
                <td>{formatDateTime(e.at)}</td>
                <td className="num">{e.delta > 0 ? `+${e.delta}` : e.delta}</td>
                <td>{e.reason}</td>
                <td>{e.actor}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager
        page={pages.page}
        hasPrevious={pages.hasPrevious}
        nextCursor={page.nextCursor}
        onNext={pages.next}
        onPrevious={pages.previous}
        busy={ledger.isFetching}
      />
    </>
  );
}
