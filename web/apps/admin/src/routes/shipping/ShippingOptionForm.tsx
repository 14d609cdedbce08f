import {
  countryName,
  isApiError,
  isCountryCode,
  parseMoneyInput,
  SHOP_CURRENCY,
  toDecimalString,
  type CountryCode,
  type ShippingOption,
  type ShippingOptionInput,
} from "@order-service/api";
import { zodResolver } from "@hookform/resolvers/zod";
import { useFieldArray, useForm, useWatch } from "react-hook-form";
import { z } from "zod";
import { applyServerError, CheckField, Field } from "@order-service/ui";
import { FormError } from "../../components/states";

/** The API's limits (ShippingOptionInput, WeightBandInput). */
const MAX_TEXT = 60;
const MAX_PLACES = 250;
const MAX_BANDS = 20;
const MAX_GRAMS = 1_000_000;
const MAX_AMOUNT = 100_000_000;
const REGION = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;

/** "us, ca  MX" → ["US", "CA", "MX"]. */
export function splitCodes(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
}

const band = z.object({ minGrams: z.string(), maxGrams: z.string(), amount: z.string() });

const shippingOptionFields = z.object({
  name: z.string(),
  carrierService: z.string(),
  countries: z.string(),
  regions: z.string(),
  rateType: z.enum(["FLAT", "WEIGHT_BANDS"]),
  flatAmount: z.string(),
  bands: z.array(band),
  freeAbove: z.string(),
  active: z.boolean(),
});

type Fields = z.infer<typeof shippingOptionFields>;

const wholeGrams = (text: string): number | null => (/^\s*\d+\s*$/.test(text) ? Number(text) : null);
const amountOf = (text: string): number | null => {
  const minor = parseMoneyInput(text, SHOP_CURRENCY);
  return minor !== null && minor <= MAX_AMOUNT ? minor : null;
};
const AMOUNT_MESSAGE = `Enter an amount like 9.00 (at most ${toDecimalString(MAX_AMOUNT, SHOP_CURRENCY)})`;

/**
 * What was typed, checked as the API checks it (400 `invalid_field` for a
 * malformed value, 422 `invalid_shipping_option` for values that contradict
 * each other), and turned into the request the contract types.
 */
export const shippingOptionSchema = shippingOptionFields
  .superRefine((v, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const text = (field: "name" | "carrierService", label: string) => {
      if (!v[field].trim()) issue([field], `Enter ${label}`);
      else if (v[field].length > MAX_TEXT) issue([field], `At most ${MAX_TEXT} characters`);
      // eslint-disable-next-line no-control-regex -- the API refuses control characters
      else if (/[\u0000-\u001f\u007f-\u009f]/.test(v[field].trim())) issue([field], "No control characters");
    };
    text("name", "a name");
    text("carrierService", "the carrier's service");

    const countries = splitCodes(v.countries);
    if (countries.length === 0) issue(["countries"], "Name at least one country, like US");
    else if (countries.length > MAX_PLACES) issue(["countries"], `At most ${MAX_PLACES} countries`);
    else {
      const unknown = countries.filter((c) => !isCountryCode(c));
      const twice = countries.filter((c, i) => countries.indexOf(c) !== i);
      if (unknown.length) issue(["countries"], `Not an ISO 3166-1 country code: ${unknown.join(", ")}`);
      else if (twice.length) issue(["countries"], `Named twice: ${twice.join(", ")}`);
    }

    const regions = splitCodes(v.regions);
    if (regions.length > MAX_PLACES) issue(["regions"], `At most ${MAX_PLACES} regions`);
    else {
      const malformed = regions.filter((r) => !REGION.test(r));
      const elsewhere = regions.filter((r) => REGION.test(r) && !countries.includes(r.slice(0, 2)));
      const twice = regions.filter((r, i) => regions.indexOf(r) !== i);
      if (malformed.length) issue(["regions"], `Not a region code such as US-IL: ${malformed.join(", ")}`);
      else if (elsewhere.length) issue(["regions"], `In a country the option does not serve: ${elsewhere.join(", ")}`);
      else if (twice.length) issue(["regions"], `Named twice: ${twice.join(", ")}`);
    }

    if (v.rateType === "FLAT") {
      if (amountOf(v.flatAmount) === null) issue(["flatAmount"], AMOUNT_MESSAGE);
    } else if (v.bands.length === 0 || v.bands.length > MAX_BANDS) {
      issue(["bands"], `Give 1 to ${MAX_BANDS} weight bands`);
    } else {
      const ranges: { index: number; min: number; max: number }[] = [];
      v.bands.forEach((b, index) => {
        const min = wholeGrams(b.minGrams);
        const max = wholeGrams(b.maxGrams);
        if (min === null || min >= MAX_GRAMS) issue(["bands", index, "minGrams"], `Whole grams from 0 to ${MAX_GRAMS - 1}`);
        if (max === null || max < 1 || max > MAX_GRAMS) issue(["bands", index, "maxGrams"], `Whole grams from 1 to ${MAX_GRAMS}`);
        else if (min !== null && max <= min) issue(["bands", index, "maxGrams"], "Must end after it starts");
        if (amountOf(b.amount) === null) issue(["bands", index, "amount"], AMOUNT_MESSAGE);
        if (min !== null && max !== null && max > min) ranges.push({ index, min, max });
      });
      ranges.sort((a, b) => a.min - b.min);
      for (let i = 1; i < ranges.length; i += 1) {
        const [a, b] = [ranges[i - 1]!, ranges[i]!];
        if (b.min < a.max) {
          issue(["bands"], `The bands ${a.min}–${a.max} g and ${b.min}–${b.max} g overlap`);
          break;
        }
      }
    }
    if (v.freeAbove.trim() && amountOf(v.freeAbove) === null) issue(["freeAbove"], AMOUNT_MESSAGE);
  })
  // Only values that passed the checks above get here.
  .transform((v): ShippingOptionInput => {
    const money = (text: string) => ({ amount: amountOf(text) ?? 0, currency: SHOP_CURRENCY });
    const free = v.freeAbove.trim() ? money(v.freeAbove) : null;
    return {
      name: v.name.trim(),
      carrierService: v.carrierService.trim(),
      countries: splitCodes(v.countries).filter(isCountryCode),
      regions: splitCodes(v.regions),
      rate:
        v.rateType === "FLAT"
          ? { type: "FLAT", amount: money(v.flatAmount) }
          : {
              type: "WEIGHT_BANDS",
              bands: v.bands.map((b) => ({ minGrams: Number(b.minGrams), maxGrams: Number(b.maxGrams), amount: money(b.amount) })),
            },
      freeAbove: free,
      active: v.active,
    };
  });

export type ShippingOptionValues = z.input<typeof shippingOptionSchema>;

export const emptyShippingOption: ShippingOptionValues = {
  name: "",
  carrierService: "",
  countries: "",
  regions: "",
  rateType: "FLAT",
  flatAmount: "",
  bands: [{ minGrams: "0", maxGrams: "1000", amount: "" }],
  freeAbove: "",
  active: true,
};

export function toShippingOptionValues(o: ShippingOption): ShippingOptionValues {
  const decimal = (m: { amount: number; currency: string }) => toDecimalString(m.amount, m.currency);
  return {
    name: o.name,
    carrierService: o.carrierService,
    countries: o.countries.join(", "),
    regions: o.regions.join(", "),
    rateType: o.rate.type,
    flatAmount: o.rate.type === "FLAT" ? decimal(o.rate.amount) : "",
    bands:
      o.rate.type === "WEIGHT_BANDS"
        ? o.rate.bands.map((b) => ({ minGrams: String(b.minGrams), maxGrams: String(b.maxGrams), amount: decimal(b.amount) }))
        : emptyShippingOption.bands,
    freeAbove: o.freeAbove ? decimal(o.freeAbove) : "",
    active: o.active,
  };
}

/** The API's field names (`rate.bands.amount`) to the form's. */
const SERVER_FIELDS: Record<string, keyof Fields> = {
  name: "name",
  carrierService: "carrierService",
  countries: "countries",
  regions: "regions",
  "rate.amount": "flatAmount",
  "rate.amount.amount": "flatAmount",
  freeAbove: "freeAbove",
};

/** The names of the countries typed so far, so a wrong code shows before sending. */
function CountryNames({ text }: { text: string }) {
  const codes = splitCodes(text).filter(isCountryCode);
  if (codes.length === 0) return null;
  return <span className="country-names">Serves {codes.map((c: CountryCode) => countryName(c)).join(", ")}</span>;
}

export function ShippingOptionForm({
  defaultValues,
  submitLabel,
  onSubmit,
  error,
  pending,
}: {
  defaultValues: ShippingOptionValues;
  submitLabel: string;
  onSubmit: (body: ShippingOptionInput, onError: (error: unknown) => void) => void;
  error: unknown;
  pending: boolean;
}) {
  const form = useForm<ShippingOptionValues, unknown, ShippingOptionInput>({
    resolver: zodResolver(shippingOptionSchema),
    defaultValues,
  });
  const errors = form.formState.errors;
  const bands = useFieldArray({ control: form.control, name: "bands" });
  const rateType = useWatch({ control: form.control, name: "rateType" });
  const countries = useWatch({ control: form.control, name: "countries" });
  const bandsError = errors.bands?.root?.message ?? errors.bands?.message;
  const submit = form.handleSubmit((values) =>
    onSubmit(values, (e) => {
      if (applyServerError(e, form.setError, SERVER_FIELDS)) return;
      // What the server says of the bands (`rate.bands`, `rate.bands.amount`) is shown below them.
      if (isApiError(e) && e.code === "invalid_field" && e.field?.startsWith("rate.bands"))
        form.setError("bands", { type: "server", message: e.message });
    }),
  );
  const shownServerError = Object.keys(errors).length === 0 ? error : null;

  return (
    <form className="card stack form-grid" onSubmit={submit} noValidate aria-label="Shipping option">
      <div className="row">
        <Field label="Name" error={errors.name} hint="What customers see, like Standard.">
          {(props) => <input {...props} maxLength={MAX_TEXT} autoComplete="off" {...form.register("name")} />}
        </Field>
        <Field label="Carrier service" error={errors.carrierService} hint="Booked with the carrier; printed on the label.">
          {(props) => <input {...props} maxLength={MAX_TEXT} autoComplete="off" {...form.register("carrierService")} />}
        </Field>
      </div>
      <Field
        label="Countries"
        error={errors.countries}
        hint={
          <>
            ISO codes separated by commas, like US, CA.
            <CountryNames text={countries} />
          </>
        }
      >
        {(props) => <input {...props} autoComplete="off" spellCheck={false} {...form.register("countries")} />}
      </Field>
      <Field label="Only these regions" error={errors.regions} hint="Like US-IL, US-NY; a country without a listed region is served whole.">
        {(props) => <input {...props} autoComplete="off" spellCheck={false} {...form.register("regions")} />}
      </Field>

      <fieldset className="radios">
        <legend>Price</legend>
        <label>
          <input type="radio" value="FLAT" {...form.register("rateType")} /> Flat price
        </label>
        <label>
          <input type="radio" value="WEIGHT_BANDS" {...form.register("rateType")} /> By weight
        </label>
      </fieldset>
      {rateType === "FLAT" ? (
        <div className="row">
          <Field label={`Flat price (${SHOP_CURRENCY})`} error={errors.flatAmount} className="amount-field">
            {(props) => <input {...props} inputMode="decimal" autoComplete="off" {...form.register("flatAmount")} />}
          </Field>
        </div>
      ) : (
        <div className="stack" role="group" aria-labelledby="bands-heading">
          <h3 id="bands-heading" className="form-subheading">
            Weight bands
          </h3>
          <p className="hint">A parcel from the first weight (inclusive) up to the second (exclusive) costs the price; a parcel in no band cannot use the option.</p>
          {bands.fields.map((field, index) => (
            <fieldset key={field.id} className="band">
              <legend>Band {index + 1}</legend>
              <Field label="From (g)" error={errors.bands?.[index]?.minGrams}>
                {(props) => <input {...props} inputMode="numeric" autoComplete="off" {...form.register(`bands.${index}.minGrams`)} />}
              </Field>
              <Field label="Up to (g)" error={errors.bands?.[index]?.maxGrams}>
                {(props) => <input {...props} inputMode="numeric" autoComplete="off" {...form.register(`bands.${index}.maxGrams`)} />}
              </Field>
              <Field label={`Price (${SHOP_CURRENCY})`} error={errors.bands?.[index]?.amount}>
                {(props) => <input {...props} inputMode="decimal" autoComplete="off" {...form.register(`bands.${index}.amount`)} />}
              </Field>
              <button type="button" className="button small" disabled={bands.fields.length === 1} onClick={() => bands.remove(index)}>
                Remove band {index + 1}
              </button>
            </fieldset>
          ))}
          {bandsError && (
            <p className="field-error" role="alert">
              {bandsError}
            </p>
          )}
          <div>
            <button
              type="button"
              className="button small"
              disabled={bands.fields.length >= MAX_BANDS}
              onClick={() => {
                const last = form.getValues(`bands.${bands.fields.length - 1}`);
                bands.append({ minGrams: last?.maxGrams ?? "0", maxGrams: "", amount: "" });
              }}
            >
              Add a band
            </button>
          </div>
        </div>
      )}
      <div className="row">
        <Field
          label={`Free from (${SHOP_CURRENCY})`}
          error={errors.freeAbove}
          hint="Free when the goods after discount cost at least this; empty for never."
          className="amount-field"
        >
          {(props) => <input {...props} inputMode="decimal" autoComplete="off" {...form.register("freeAbove")} />}
        </Field>
      </div>
      <CheckField label="Active (carts may choose it)">{(props) => <input type="checkbox" {...props} {...form.register("active")} />}</CheckField>
      <FormError error={shownServerError} />
      <div>
        <button type="submit" className="button primary" disabled={pending}>
          {pending ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
