import {
  formatMoney,
  parseMoneyInput,
  SHOP_CURRENCY,
  SHOP_CURRENCY_MESSAGE,
  toDecimalString,
  toShopCurrency,
  type CreateProductRequest,
} from "@order-service/api";
import { zodResolver } from "@hookform/resolvers/zod";
import { useForm, useWatch } from "react-hook-form";
import { z } from "zod";
import { applyServerError, CheckField, Field } from "@order-service/ui";
import { FormError } from "../../components/states";

const wholeNumber = (max: number) =>
  z.coerce.number({ error: "Enter a whole number" }).int("Enter a whole number").min(0, "At least 0").max(max, `At most ${max}`);

export const productSchema = z
  .object({
    sku: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, "1 to 64 letters, digits, - or _"),
    name: z.string().trim().min(1, "Enter a name").max(200, "At most 200 characters"),
    description: z.string().max(4000, "At most 4000 characters"),
    currency: z.string().trim(),
    price: z.string().trim().min(1, "Enter a price"),
    active: z.boolean(),
    allowBackorder: z.boolean(),
    lowStockThreshold: wholeNumber(1_000_000),
    weightGrams: wholeNumber(1_000_000),
  })
  .superRefine((v, ctx) => {
    const currency = toShopCurrency(v.currency);
    if (!currency) ctx.addIssue({ code: "custom", path: ["currency"], message: SHOP_CURRENCY_MESSAGE });
    const minor = parseMoneyInput(v.price, currency ?? SHOP_CURRENCY);
    if (minor === null) ctx.addIssue({ code: "custom", path: ["price"], message: "Enter a price like 25.00" });
    else if (minor > 100_000_000) ctx.addIssue({ code: "custom", path: ["price"], message: "At most 1000000.00" });
  })
  // Only values that passed the checks above get here; the request is typed by the contract.
  .transform((v): CreateProductRequest => {
    const currency = toShopCurrency(v.currency);
    if (!currency) return z.NEVER;
    const minor = parseMoneyInput(v.price, currency);
    if (minor === null) return z.NEVER;
    return {
      sku: v.sku,
      name: v.name,
      description: v.description,
      price: { amount: minor, currency },
      active: v.active,
      allowBackorder: v.allowBackorder,
      lowStockThreshold: v.lowStockThreshold,
      weightGrams: v.weightGrams,
    };
  });

export type ProductValues = z.input<typeof productSchema>;

export const emptyProduct: ProductValues = {
  sku: "",
  name: "",
  description: "",
  currency: SHOP_CURRENCY,
  price: "",
  active: true,
  allowBackorder: false,
  lowStockThreshold: 5,
  weightGrams: 0,
};

export function toProductValues(p: {
  sku: string;
  name: string;
  description?: string;
  price?: { amount: number; currency: string };
  active?: boolean;
  allowBackorder?: boolean;
  lowStockThreshold?: number;
  weightGrams?: number;
}): ProductValues {
  return {
    sku: p.sku,
    name: p.name,
    description: p.description ?? "",
    currency: p.price?.currency ?? SHOP_CURRENCY,
    price: p.price ? toDecimalString(p.price.amount, p.price.currency) : "",
    active: p.active ?? true,
    allowBackorder: p.allowBackorder ?? false,
    lowStockThreshold: p.lowStockThreshold ?? 5,
    weightGrams: p.weightGrams ?? 0,
  };
}

/** The API's field names → the form's, for validation errors beside their field. */
const SERVER_FIELDS = {
  sku: "sku",
  name: "name",
  description: "description",
  price: "price",
  "price.amount": "price",
  "price.currency": "currency",
  lowStockThreshold: "lowStockThreshold",
  weightGrams: "weightGrams",
} as const;

/**
 * Creating and editing a product. A refused save leaves every value as typed;
 * `invalid_field` errors appear beside their field, other refusals above the button.
 */
export function ProductForm({
  defaultValues,
  skuEditable,
  submitLabel,
  onSubmit,
  error,
  pending,
}: {
  defaultValues: ProductValues;
  skuEditable: boolean;
  submitLabel: string;
  onSubmit: (body: CreateProductRequest, onError: (error: unknown) => void) => void;
  error: unknown;
  pending: boolean;
}) {
  const form = useForm<ProductValues, unknown, CreateProductRequest>({ resolver: zodResolver(productSchema), defaultValues });
  const errors = form.formState.errors;
  const submit = form.handleSubmit((values) =>
    onSubmit(values, (e) => applyServerError(e, form.setError, SERVER_FIELDS)),
  );
  const shownOnField = Object.keys(errors).length > 0;
  const [priceText, currencyText] = useWatch({ control: form.control, name: ["price", "currency"] });
  const currency = toShopCurrency(String(currencyText ?? ""));
  const price = currency ? parseMoneyInput(String(priceText ?? ""), currency) : null;
  return (
    <form className="card stack form-grid" onSubmit={submit} noValidate aria-label="Product">
      <Field label="SKU" error={errors.sku} hint={skuEditable ? "Letters, digits, - and _; it cannot change later." : undefined}>
        {(props) => <input {...props} readOnly={!skuEditable} autoComplete="off" {...form.register("sku")} />}
      </Field>
      <Field label="Name" error={errors.name}>
        {(props) => <input {...props} {...form.register("name")} />}
      </Field>
      <Field label="Description" error={errors.description} className="wide">
        {(props) => <textarea {...props} rows={3} {...form.register("description")} />}
      </Field>
      <div className="row">
        <Field label="Price" error={errors.price} hint={currency && price !== null ? formatMoney({ amount: price, currency }) : undefined}>
          {(props) => <input {...props} inputMode="decimal" {...form.register("price")} />}
        </Field>
        <Field label="Currency" error={errors.currency} className="narrow-field">
          {(props) => <input {...props} maxLength={3} {...form.register("currency")} />}
        </Field>
      </div>
      <div className="row">
        <Field label="Low-stock threshold" error={errors.lowStockThreshold}>
          {(props) => <input {...props} type="number" min={0} step={1} {...form.register("lowStockThreshold")} />}
        </Field>
        <Field label="Weight (grams)" error={errors.weightGrams}>
          {(props) => <input {...props} type="number" min={0} step={1} {...form.register("weightGrams")} />}
        </Field>
      </div>
      <CheckField label="Active (on sale in the storefront)">{(props) => <input type="checkbox" {...props} {...form.register("active")} />}</CheckField>
      <CheckField label="Allow backorders">{(props) => <input type="checkbox" {...props} {...form.register("allowBackorder")} />}</CheckField>
      {!shownOnField && <FormError error={error} />}
      <div>
        <button type="submit" className="button primary" disabled={pending}>
          {pending ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
