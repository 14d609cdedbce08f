/**
 * The checkout's fields, checked as the API checks them (openapi.yaml:
 * CustomerInput, EmailAddress, AddressInput, CountryCode), so a shopper
 * hears about a mistake beside the field before anything is sent. The
 * server still decides; its refusals land beside the same fields.
 */
import { COUNTRY_CODES, type AddressInput, type CheckoutRequest } from "@order-service/api";
import { z } from "zod";

/** Whether the text holds a control character (U+0000–U+001F, U+007F–U+009F), which RequiredText and OptionalText refuse. */
function hasControl(text: string): boolean {
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}
/** EmailAddress: a dot-atom local part and a domain of at least two labels. */
export const EMAIL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
/** CustomerInput.phone: digits, spaces and `+ - ( ) .`, with 6 to 15 digits. */
export const PHONE = /^[+ ().-]*([0-9][+ ().-]*){6,15}$/;

const required = (label: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `Enter ${label}`)
    .max(max, `At most ${max} characters`)
    .refine((value) => !hasControl(value), "Letters, digits and punctuation only");

const optional = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `At most ${max} characters`)
    .refine((value) => !hasControl(value), "Letters, digits and punctuation only");

const countries = new Set<string>(COUNTRY_CODES);

export const addressSchema = z.object({
  line1: required("the street address", 200),
  line2: optional(200),
  city: required("the city", 100),
  region: optional(200),
  postalCode: required("the postal code", 20),
  country: z
    .string()
    .trim()
    .refine((value) => countries.has(value.toUpperCase()), "Choose a country"),
});

export const contactSchema = z.object({
  name: required("your name", 200),
  email: z.string().trim().min(1, "Enter your e-mail address").max(254, "At most 254 characters").regex(EMAIL, "Enter an e-mail address like name@example.com"),
  phone: z
    .string()
    .trim()
    .refine((value) => value === "" || PHONE.test(value), "Digits, spaces and + - ( ) . only, with 6 to 15 digits"),
});

export const checkoutSchema = contactSchema
  .extend({
    shipping: addressSchema,
    billingSame: z.boolean(),
    billing: z.object({
      line1: z.string(),
      line2: z.string(),
      city: z.string(),
      region: z.string(),
      postalCode: z.string(),
      country: z.string(),
    }),
  })
  .superRefine((values, ctx) => {
    if (values.billingSame) return;
    const billing = addressSchema.safeParse(values.billing);
    if (billing.success) return;
    for (const issue of billing.error.issues) {
      ctx.addIssue({ code: "custom", message: issue.message, path: ["billing", ...issue.path] });
    }
  });

export type CheckoutValues = z.input<typeof checkoutSchema>;
export type AddressValues = z.input<typeof addressSchema>;

export const emptyAddress: AddressValues = { line1: "", line2: "", city: "", region: "", postalCode: "", country: "US" };

/** The address as the API takes it: trimmed, optional parts null when blank, the country upper case. */
export function toAddressInput(values: AddressValues): AddressInput {
  const line2 = values.line2.trim();
  const region = values.region.trim();
  return {
    line1: values.line1.trim(),
    line2: line2 === "" ? null : line2,
    city: values.city.trim(),
    region: region === "" ? null : region,
    postalCode: values.postalCode.trim(),
    country: values.country.trim().toUpperCase(),
  };
}

/** An address read back from a cart, as the form holds it. */
export function toAddressValues(address: { line1: string; line2: string | null; city: string; region: string | null; postalCode: string; country: string } | undefined): AddressValues {
  if (!address) return emptyAddress;
  return {
    line1: address.line1,
    line2: address.line2 ?? "",
    city: address.city,
    region: address.region ?? "",
    postalCode: address.postalCode,
    country: address.country,
  };
}

/** The body of POST /carts/{id}/checkout; the cart already holds the shipping address and option. */
export function checkoutBody(values: CheckoutValues, methodToken: string, expectedTotal: { amount: number; currency: string }): CheckoutRequest {
  const phone = values.phone.trim();
  return {
    customer: { name: values.name.trim(), email: values.email.trim(), phone: phone === "" ? null : phone },
    billingAddress: values.billingSame ? null : toAddressInput(values.billing),
    payment: { methodToken },
    expectedTotal: { amount: expectedTotal.amount, currency: expectedTotal.currency as "USD" },
  };
}

/** The API's names of fields (`customer.email`, `billingAddress.city`, `line1`) → this form's. */
export const SERVER_FIELDS: Record<string, keyof CheckoutValues | `shipping.${keyof AddressValues}` | `billing.${keyof AddressValues}`> = {
  "customer.name": "name",
  "customer.email": "email",
  "customer.phone": "phone",
  ...Object.fromEntries(
    (["line1", "line2", "city", "region", "postalCode", "country"] as const).flatMap((field) => [
      [field, `shipping.${field}`],
      [`shippingAddress.${field}`, `shipping.${field}`],
      [`billingAddress.${field}`, `billing.${field}`],
    ]),
  ),
};
