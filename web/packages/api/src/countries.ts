/**
 * The countries the contract names (its `CountryCode` enum, generated) and
 * their names in the reader's language, from the browser's own data.
 */
import { CountryCodeValues } from "./generated/enums";
import type { components } from "./generated/openapi";

export type CountryCode = components["schemas"]["CountryCode"];

export const COUNTRY_CODES: readonly CountryCode[] = CountryCodeValues;
const known = new Set<string>(CountryCodeValues);

export function isCountryCode(code: string): code is CountryCode {
  return known.has(code);
}

let names: Intl.DisplayNames | null | undefined;

/** "United States" for US; the code itself where the browser has no name. */
export function countryName(code: string, locale = "en"): string {
  if (names === undefined) {
    try {
      names = new Intl.DisplayNames([locale], { type: "region" });
    } catch {
      names = null;
    }
  }
  try {
    return names?.of(code) ?? code;
  } catch {
    return code;
  }
}
