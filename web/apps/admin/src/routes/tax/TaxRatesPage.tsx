import {
  COUNTRY_CODES,
  countryName,
  isCountryCode,
  useDeleteTaxRate,
  usePutTaxRate,
  useTaxRates,
  type TaxRate,
  type TaxRateInput,
} from "@order-service/api";
import { zodResolver } from "@hookform/resolvers/zod";
import { useMemo, useRef, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { z } from "zod";
import { applyServerError, CheckField, Field } from "@order-service/ui";
import { Empty, ErrorState, FormError, Loading, PageHeader } from "../../components/states";
import { formatDateTime } from "../../lib/format";

/** The API's TaxRateInput.percent: 0 to 100 with up to four decimals. */
const PERCENT = /^(100(\.0{1,4})?|[0-9]{1,2}(\.[0-9]{1,4})?)$/;

export const taxRateSchema = z
  .object({
    country: z.string().refine(isCountryCode, "Choose a country"),
    region: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^([A-Z0-9]{1,3})?$/, "1 to 3 letters or digits, as addresses write it (IL), or empty for the whole country"),
    name: z
      .string()
      .refine((v) => v.trim() !== "", "Enter a name")
      .refine((v) => v.length <= 100, "At most 100 characters"),
    percent: z.string().trim().regex(PERCENT, "A percentage from 0 to 100 with up to four decimals, such as 7.25"),
    shippingTaxed: z.boolean(),
  })
  .transform((v): { rateId: string; body: TaxRateInput } => ({
    rateId: v.region ? `${v.country}-${v.region}` : v.country,
    body: { name: v.name.trim(), percent: v.percent, shippingTaxed: v.shippingTaxed },
  }));

type TaxRateValues = z.input<typeof taxRateSchema>;
const emptyRate: TaxRateValues = { country: "US", region: "", name: "", percent: "", shippingTaxed: false };

function toValues(rate: TaxRate): TaxRateValues {
  return { country: rate.country, region: rate.region ?? "", name: rate.name, percent: rate.percent, shippingTaxed: rate.shippingTaxed };
}

export function Component() {
  const rates = useTaxRates();
  const [editing, setEditing] = useState<{ values: TaxRateValues; key: number }>({ values: emptyRate, key: 0 });
  const [message, setMessage] = useState<string | null>(null);
  const existing = useMemo(() => new Set(rates.data?.items.map((r) => r.rateId)), [rates.data]);
  const formSection = useRef<HTMLElement>(null);

  return (
    <>
      <PageHeader
        title="Tax rates"
        description="The rate charged per destination: a region's rate wins over its country's; a destination without one is not taxed."
      />
      {message && (
        <p className="alert alert-success" role="status">
          {message}
        </p>
      )}
      <section className="card" aria-labelledby="rates-heading">
          <h2 id="rates-heading">Rates</h2>
          {rates.isPending ? (
            <Loading label="Loading tax rates…" />
          ) : rates.isError ? (
            <ErrorState title="The tax rates could not be loaded." error={rates.error} retry={() => void rates.refetch()} />
          ) : rates.data.items.length === 0 ? (
            <Empty>No tax rates: no destination is taxed.</Empty>
          ) : (
            <RatesTable
              rates={rates.data.items}
              onEdit={(rate) => {
                setMessage(null);
                setEditing({ values: toValues(rate), key: Date.now() });
                // The form is below the table: take the reader there, to its first field.
                requestAnimationFrame(() => formSection.current?.querySelector("select")?.focus());
              }}
              onDeleted={(rateId) => setMessage(`The rate of ${rateId} was removed.`)}
            />
          )}
      </section>
      <section className="card form-grid" aria-labelledby="set-rate-heading" ref={formSection}>
        <h2 id="set-rate-heading">Set a rate</h2>
        <TaxRateForm
          key={editing.key}
          defaultValues={editing.values}
          existing={existing}
          onSaved={(rate) => {
            setMessage(`${rate.rateId}: ${rate.name} at ${rate.percent} % saved.`);
            setEditing({ values: emptyRate, key: Date.now() });
          }}
        />
      </section>
    </>
  );
}

function RatesTable({ rates, onEdit, onDeleted }: { rates: TaxRate[]; onEdit: (rate: TaxRate) => void; onDeleted: (rateId: string) => void }) {
  const remove = useDeleteTaxRate();
  const [confirming, setConfirming] = useState<string | null>(null);
  return (
    <>
      <div className="table-wrap" role="region" aria-label="Tax rates" tabIndex={0}>
        <table className="data-table">
          <caption className="visually-hidden">Tax rates</caption>
          <thead>
            <tr>
              <th scope="col">Destination</th>
              <th scope="col">Name</th>
              <th scope="col" className="num">
                Rate
              </th>
              <th scope="col">Shipping</th>
              <th scope="col">Updated</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rates.map((rate) => (
              <tr key={rate.rateId}>
                <th scope="row">
                  {rate.rateId}
                  <br />
                  <span className="muted small">{countryName(rate.country)}</span>
                </th>
                <td>{rate.name}</td>
                <td className="num nowrap">{rate.percent} %</td>
                <td>{rate.shippingTaxed ? "Taxed" : "Not taxed"}</td>
                <td>{formatDateTime(rate.updatedAt)}</td>
                <td>
                  {confirming === rate.rateId ? (
                    <span className="row nowrap">
                      <button
                        type="button"
                        className="button small danger"
                        disabled={remove.isPending}
                        onClick={() =>
                          remove.mutate(rate.rateId, {
                            onSuccess: () => {
                              setConfirming(null);
                              onDeleted(rate.rateId);
                            },
                          })
                        }
                      >
                        Confirm removing {rate.rateId}
                      </button>
                      <button type="button" className="button small" onClick={() => setConfirming(null)}>
                        Keep
                      </button>
                    </span>
                  ) : (
                    <span className="row nowrap">
                      <button type="button" className="button small" onClick={() => onEdit(rate)}>
                        Edit<span className="visually-hidden"> {rate.rateId}</span>
                      </button>
                      <button
                        type="button"
                        className="button small danger"
                        onClick={() => {
                          remove.reset();
                          setConfirming(rate.rateId);
                        }}
                      >
                        Remove<span className="visually-hidden"> {rate.rateId}</span>
                      </button>
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <FormError error={remove.error} />
    </>
  );
}

const countryOptions = [...COUNTRY_CODES]
  .map((code) => ({ code, name: countryName(code) }))
  .sort((a, b) => a.name.localeCompare(b.name));

function TaxRateForm({
  defaultValues,
  existing,
  onSaved,
}: {
  defaultValues: TaxRateValues;
  existing: Set<string>;
  onSaved: (rate: TaxRate) => void;
}) {
  const put = usePutTaxRate();
  const form = useForm<TaxRateValues, unknown, { rateId: string; body: TaxRateInput }>({
    resolver: zodResolver(taxRateSchema),
    defaultValues,
  });
  const errors = form.formState.errors;
  const [country, region] = useWatch({ control: form.control, name: ["country", "region"] });
  const destination = region.trim() ? `${country}-${region.trim().toUpperCase()}` : country;
  const submit = form.handleSubmit(({ rateId, body }) =>
    put.mutate(
      { rateId, body },
      {
        onSuccess: onSaved,
        onError: (e) =>
          applyServerError(e, form.setError, { name: "name", percent: "percent", shippingTaxed: "shippingTaxed", rateId: "region" }),
      },
    ),
  );
  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Set a tax rate">
      <div className="row">
        <Field label="Country" error={errors.country}>
          {(props) => (
            <select {...props} {...form.register("country")}>
              {countryOptions.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name} ({c.code})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Region (optional)" error={errors.region} hint="As addresses write it, like IL." className="narrow-field">
          {(props) => <input {...props} maxLength={3} autoComplete="off" spellCheck={false} {...form.register("region")} />}
        </Field>
      </div>
      <Field label="Name" error={errors.name} hint="What the dashboard and invoices call it.">
        {(props) => <input {...props} maxLength={100} autoComplete="off" {...form.register("name")} />}
      </Field>
      <Field label="Rate (%)" error={errors.percent} hint="Up to four decimals, like 7.25.">
        {(props) => <input {...props} inputMode="decimal" autoComplete="off" {...form.register("percent")} />}
      </Field>
      <CheckField label="Shipping is taxed too">{(props) => <input type="checkbox" {...props} {...form.register("shippingTaxed")} />}</CheckField>
      {existing.has(destination) && (
        <p className="muted small" role="status">
          Replaces the rate {destination} has now.
        </p>
      )}
      {Object.keys(errors).length === 0 && <FormError error={put.error} />}
      <div>
        <button type="submit" className="button primary" disabled={put.isPending}>
          {put.isPending ? "Saving…" : `Save rate for ${destination}`}
        </button>
      </div>
    </form>
  );
}
