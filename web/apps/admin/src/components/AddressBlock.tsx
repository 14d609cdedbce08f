import type { components } from "@order-service/api";

type Address = components["schemas"]["Address"];

/** A postal address as staff read it (postal code before city, country code), optionally under the addressee's name. */
export function AddressBlock({ address, name }: { address: Address; name?: string }) {
  return (
    <address>
      {name && (
        <>
          {name}
          <br />
        </>
      )}
      {address.line1}
      <br />
      {address.line2 && (
        <>
          {address.line2}
          <br />
        </>
      )}
      {address.postalCode} {address.city}
      {address.region ? `, ${address.region}` : ""}
      <br />
      {address.country}
    </address>
  );
}

/** What an erased address keeps: its region and country (the tax records need them). */
export function ErasedAddress({ address }: { address: Address }) {
  return (
    <p className="muted">
      Erased; kept for tax: {address.region ? `${address.region}, ` : ""}
      {address.country}
    </p>
  );
}
