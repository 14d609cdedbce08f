/**
 * Money is integer minor units plus an ISO 4217 currency (cents for USD).
 * This module is the one place that turns it into text, and text a person
 * typed back into minor units, without floating-point arithmetic.
 */
import type { components } from "./generated/openapi";

export type Money = components["schemas"]["Money"];
/** Money sent to the service: only in the shop's currency. */
export type ShopMoneyInput = components["schemas"]["ShopMoneyInput"];
/** The shop's currency as the contract states it (the generated enum, `"USD"` for the default deployment). */
export type ShopCurrency = ShopMoneyInput["currency"];

/**
 * Every currency the contract accepts in money sent to the service. Keyed by
 * the generated enum, so a contract generated for another shop currency fails
 * to compile here until this table names it.
 */
const SHOP_CURRENCIES = { USD: true } as const satisfies { readonly [C in ShopCurrency]: true };

function isShopCurrency(code: string): code is ShopCurrency {
  return Object.hasOwn(SHOP_CURRENCIES, code);
}

/** The shop's currency, for forms' defaults and messages. */
export const SHOP_CURRENCY: ShopCurrency = "USD";

/** The shop's currency for a code as typed or as an order states it (`usd` is USD), or null for any other currency. */
export function toShopCurrency(code: string): ShopCurrency | null {
  const upper = code.trim().toUpperCase();
  return isShopCurrency(upper) ? upper : null;
}

/** The message beside a currency the shop does not take. */
export const SHOP_CURRENCY_MESSAGE = `Must be the shop's currency, ${SHOP_CURRENCY}`;

/** Digits after the decimal point in `currency` (2 for USD, 0 for JPY, 3 for KWD). */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions()
    .maximumFractionDigits ?? 2;
}

/** The amount in major units as an exact decimal string: 123456 USD is "1234.56". */
export function toDecimalString(amount: number | bigint, currency: string): string {
  const digits = minorDigits(currency);
  const value = BigInt(amount);
  const negative = value < 0n;
  const text = (negative ? -value : value).toString().padStart(digits + 1, "0");
  const major = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return negative ? `-${major}` : major;
}

/** "$1,234.56" for {amount: 123456, currency: "USD"}. */
export function formatMoney(money: Money | null | undefined, locale = "en-US"): string {
  if (!money) return "—";
  const format = new Intl.NumberFormat(locale, { style: "currency", currency: money.currency });
  // A decimal string keeps the amount exact however large it is.
  return format.format(toDecimalString(money.amount, money.currency) as unknown as number);
}

/**
 * Minor units from what a person typed in major units ("12.5" USD is 1250);
 * null when it is not a plain non-negative amount with at most the currency's
 * decimals. Thousands separators and a leading currency symbol are allowed.
 */
export function parseMoneyInput(input: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const text = input.trim().replace(/^[^\d.-]+/, "").replace(/,/g, "");
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) return null;
  const [, whole = "0", fraction = ""] = match;
  if (fraction.length > digits) return null;
  const minor = BigInt(whole) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, "0") || "0");
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(minor);
}

/** The sum of amounts in one currency. */
export function sumMoney(items: Money[], currency: string): Money {
  return { amount: items.reduce((total, m) => total + m.amount, 0), currency };
}
