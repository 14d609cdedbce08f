import { COUNTRY_CODES, countryName } from "@order-service/api";
import type { FieldErrors, UseFormRegister } from "react-hook-form";
import { Field } from "@order-service/ui";
import type { CheckoutValues } from "./schema";

/** The browser's autofill names of each part, per address (written out: the linter checks them). */
const AUTOCOMPLETE = {
  shipping: {
    "address-line1": "shipping address-line1",
    "address-line2": "shipping address-line2",
    "address-level2": "shipping address-level2",
    "address-level1": "shipping address-level1",
    "postal-code": "shipping postal-code",
    country: "shipping country",
  },
  billing: {
    "address-line1": "billing address-line1",
    "address-line2": "billing address-line2",
    "address-level2": "billing address-level2",
    "address-level1": "billing address-level1",
    "postal-code": "billing postal-code",
    country: "billing country",
  },
} as const;

const COUNTRIES = [...COUNTRY_CODES].map((code) => ({ code, name: countryName(code) })).sort((a, b) => a.name.localeCompare(b.name));

/** The fields of an address (shipping or billing), with the browser's autofill names. */
export function AddressFields({
  prefix,
  register,
  errors,
}: {
  prefix: "shipping" | "billing";
  register: UseFormRegister<CheckoutValues>;
  errors: FieldErrors<CheckoutValues>;
}) {
  const e = errors[prefix];
  const auto = AUTOCOMPLETE[prefix];
  return (
    <div className="address-fields">
      <Field label="Street address" error={e?.line1} className="span-2">
        {(props) => <input {...props} {...register(`${prefix}.line1`)} autoComplete={auto["address-line1"]} />}
      </Field>
      <Field label="Apartment, suite, etc. (optional)" error={e?.line2} className="span-2">
        {(props) => <input {...props} {...register(`${prefix}.line2`)} autoComplete={auto["address-line2"]} />}
      </Field>
      <Field label="City" error={e?.city}>
        {(props) => <input {...props} {...register(`${prefix}.city`)} autoComplete={auto["address-level2"]} />}
      </Field>
      <Field label="State or region (optional)" error={e?.region}>
        {(props) => <input {...props} {...register(`${prefix}.region`)} autoComplete={auto["address-level1"]} />}
      </Field>
      <Field label="Postal code" error={e?.postalCode}>
        {(props) => <input {...props} {...register(`${prefix}.postalCode`)} autoComplete={auto["postal-code"]} />}
      </Field>
      <Field label="Country" error={e?.country}>
        {(props) => (
          <select {...props} {...register(`${prefix}.country`)} autoComplete={auto["country"]}>
            {COUNTRIES.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}

export function AddressText({ address }: { address: { line1: string; line2: string | null; city: string; region: string | null; postalCode: string; country: string } }) {
  return (
    <address>
      {address.line1}
      <br />
      {address.line2 && (
        <>
          {address.line2}
          <br />
        </>
      )}
      {address.city}
      {address.region ? `, ${address.region}` : ""} {address.postalCode}
      <br />
      {countryName(address.country)}
    </address>
  );
}
