import {
  parseMoneyInput,
  SHOP_CURRENCY,
  SHOP_CURRENCY_MESSAGE,
  toDecimalString,
  toShopCurrency,
  type CreatePromotionRequest,
  type Promotion,
} from "@order-service/api";
import { zodResolver } from "@hookform/resolvers/zod";
import { useForm, useWatch } from "react-hook-form";
import { z } from "zod";
import { applyServerError, CheckField, Field } from "@order-service/ui";
import { FormError } from "../../components/states";

const promotionFields = z.object({
  code: z.string().trim().regex(/^[A-Za-z0-9_-]{3,32}$/, "3 to 32 letters, digits, - or _"),
  description: z.string().max(200, "At most 200 characters"),
  type: z.enum(["PERCENTAGE", "FIXED_AMOUNT"]),
  percentOff: z.string(),
  amountOff: z.string(),
  currency: z.string().trim(),
  skus: z.string(),
  minSubtotal: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  usageLimit: z.string(),
  oncePerCustomer: z.boolean(),
  active: z.boolean(),
});

/** An RFC 3339 time as the value of a datetime-local input (local time), and back. */
const toLocalInput = (iso?: string) => {
  if (!iso) return "";
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : undefined);

/**
 * What was typed, checked, and turned into the request: the discount is
 * PERCENTAGE with `percentOff` or FIXED_AMOUNT with `amountOff`, never both,
 * and every amount is in the shop's currency.
 */
export const promotionSchema = promotionFields
  .superRefine((v, ctx) => {
    const issue = (path: keyof typeof v, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    const currency = toShopCurrency(v.currency);
    if (!currency) issue("currency", SHOP_CURRENCY_MESSAGE);
    if (v.type === "PERCENTAGE") {
      const n = Number(v.percentOff);
      if (!Number.isInteger(n) || n < 1 || n > 100) issue("percentOff", "A whole number from 1 to 100");
    } else if (!((parseMoneyInput(v.amountOff, currency ?? SHOP_CURRENCY) ?? 0) > 0)) {
      issue("amountOff", "Enter an amount like 5.00");
    }
    if (v.minSubtotal.trim() && parseMoneyInput(v.minSubtotal, currency ?? SHOP_CURRENCY) === null)
      issue("minSubtotal", "Enter an amount like 50.00");
    if (v.usageLimit.trim() && !(Number.isInteger(Number(v.usageLimit)) && Number(v.usageLimit) >= 1))
      issue("usageLimit", "A whole number, at least 1");
    if (v.startsAt && v.endsAt && v.startsAt > v.endsAt) issue("endsAt", "Ends before it starts");
  })
  // Only values that passed the checks above get here; the request is typed by the contract.
  .transform((v): CreatePromotionRequest => {
    const currency = toShopCurrency(v.currency);
    if (!currency) return z.NEVER;
    const minSubtotal = v.minSubtotal.trim() ? parseMoneyInput(v.minSubtotal, currency) : undefined;
    if (minSubtotal === null) return z.NEVER;
    const startsAt = fromLocalInput(v.startsAt);
    const endsAt = fromLocalInput(v.endsAt);
    const terms = {
      code: v.code.trim(),
      description: v.description.trim(),
      skus: v.skus
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean),
      ...(minSubtotal !== undefined ? { minSubtotal: { amount: minSubtotal, currency } } : {}),
      ...(startsAt ? { startsAt } : {}),
      ...(endsAt ? { endsAt } : {}),
      ...(v.usageLimit.trim() ? { usageLimit: Number(v.usageLimit) } : {}),
      oncePerCustomer: v.oncePerCustomer,
      active: v.active,
    };
    // The contract's discriminated union: PERCENTAGE carries percentOff only, FIXED_AMOUNT amountOff only.
    if (v.type === "PERCENTAGE") return { ...terms, type: "PERCENTAGE", percentOff: Number(v.percentOff) };
    const amountOff = parseMoneyInput(v.amountOff, currency);
    if (amountOff === null) return z.NEVER;
    return { ...terms, type: "FIXED_AMOUNT", amountOff: { amount: amountOff, currency } };
  });

/** The form's values, as typed. */
export type PromotionValues = z.input<typeof promotionSchema>;

export const emptyPromotion: PromotionValues = {
  code: "",
  description: "",
  type: "PERCENTAGE",
  percentOff: "10",
  amountOff: "",
  currency: SHOP_CURRENCY,
  skus: "",
  minSubtotal: "",
  startsAt: "",
  endsAt: "",
  usageLimit: "",
  oncePerCustomer: false,
  active: true,
};

export function toPromotionValues(p: Promotion): PromotionValues {
  const currency = p.discount.type === "FIXED_AMOUNT" ? p.discount.amountOff.currency : (p.minSubtotal?.currency ?? SHOP_CURRENCY);
  return {
    code: p.code,
    description: p.description,
    type: p.discount.type,
    percentOff: p.discount.type === "PERCENTAGE" ? String(p.discount.percentOff) : "",
    amountOff: p.discount.type === "FIXED_AMOUNT" ? toDecimalString(p.discount.amountOff.amount, currency) : "",
    currency,
    skus: p.skus.join(", "),
    minSubtotal: p.minSubtotal ? toDecimalString(p.minSubtotal.amount, currency) : "",
    startsAt: toLocalInput(p.startsAt),
    endsAt: toLocalInput(p.endsAt),
    usageLimit: p.usageLimit ? String(p.usageLimit) : "",
    oncePerCustomer: p.oncePerCustomer,
    active: p.active,
  };
}

const SERVER_FIELDS = {
  code: "code",
  description: "description",
  type: "type",
  percentOff: "percentOff",
  amountOff: "amountOff",
  "amountOff.amount": "amountOff",
  "amountOff.currency": "currency",
  skus: "skus",
  minSubtotal: "minSubtotal",
  startsAt: "startsAt",
  endsAt: "endsAt",
  usageLimit: "usageLimit",
} as const;

export function PromotionForm({
  defaultValues,
  codeEditable,
  submitLabel,
  onSubmit,
  error,
  pending,
}: {
  defaultValues: PromotionValues;
  codeEditable: boolean;
  submitLabel: string;
  onSubmit: (body: CreatePromotionRequest, onError: (error: unknown) => void) => void;
  error: unknown;
  pending: boolean;
}) {
  const form = useForm<PromotionValues, unknown, CreatePromotionRequest>({ resolver: zodResolver(promotionSchema), defaultValues });
  const errors = form.formState.errors;
  const type = useWatch({ control: form.control, name: "type" });
  const submit = form.handleSubmit((values) =>
    onSubmit(values, (e) => applyServerError(e, form.setError, SERVER_FIELDS)),
  );
  return (
    <form className="card stack form-grid" onSubmit={submit} noValidate aria-label="Promotion">
      <Field label="Code" error={errors.code} hint={codeEditable ? "Stored in upper case." : undefined}>
        {(props) => <input {...props} readOnly={!codeEditable} autoComplete="off" {...form.register("code")} />}
      </Field>
      <Field label="Description" error={errors.description}>
        {(props) => <input {...props} {...form.register("description")} />}
      </Field>
      <fieldset className="radios">
        <legend>Discount</legend>
        <label>
          <input type="radio" value="PERCENTAGE" {...form.register("type")} /> Percentage off
        </label>
        <label>
          <input type="radio" value="FIXED_AMOUNT" {...form.register("type")} /> Fixed amount off
        </label>
      </fieldset>
      <div className="row">
        {type === "PERCENTAGE" ? (
          <Field label="Percent off" error={errors.percentOff}>
            {(props) => <input {...props} type="number" min={1} max={100} {...form.register("percentOff")} />}
          </Field>
        ) : (
          <Field label="Amount off" error={errors.amountOff}>
            {(props) => <input {...props} inputMode="decimal" {...form.register("amountOff")} />}
          </Field>
        )}
        <Field label="Currency" error={errors.currency} className="narrow-field" hint="Of the amounts">
          {(props) => <input {...props} maxLength={3} {...form.register("currency")} />}
        </Field>
      </div>
      <Field label="Only these SKUs" error={errors.skus} hint="Separated by commas; empty for the whole order." className="wide">
        {(props) => <input {...props} {...form.register("skus")} />}
      </Field>
      <div className="row">
        <Field label="Minimum subtotal" error={errors.minSubtotal}>
          {(props) => <input {...props} inputMode="decimal" {...form.register("minSubtotal")} />}
        </Field>
        <Field label="Usage limit" error={errors.usageLimit} hint="Most orders that may carry the code.">
          {(props) => <input {...props} type="number" min={1} {...form.register("usageLimit")} />}
        </Field>
      </div>
      <div className="row">
        <Field label="Starts" error={errors.startsAt}>
          {(props) => <input {...props} type="datetime-local" {...form.register("startsAt")} />}
        </Field>
        <Field label="Ends" error={errors.endsAt}>
          {(props) => <input {...props} type="datetime-local" {...form.register("endsAt")} />}
        </Field>
      </div>
      <CheckField label="Once per customer">{(props) => <input type="checkbox" {...props} {...form.register("oncePerCustomer")} />}</CheckField>
      <CheckField label="Active">{(props) => <input type="checkbox" {...props} {...form.register("active")} />}</CheckField>
      {Object.keys(errors).length === 0 && <FormError error={error} />}
      <div>
        <button type="submit" className="button primary" disabled={pending}>
          {pending ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
