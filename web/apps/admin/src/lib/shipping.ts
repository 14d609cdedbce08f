/** How shipping options read in the dashboard: weights, weight bands and the price summary. */
import { formatMoney, type ShippingRate } from "@order-service/api";

const decimals = new Intl.NumberFormat("en-US", { maximumFractionDigits: 3 });

/** 250 → "250 g", 1500 → "1.5 kg". */
export function formatWeight(grams: number): string {
  return grams < 1000 ? `${grams} g` : `${decimals.format(grams / 1000)} kg`;
}

/** A band's range in one unit: "0–1 kg", "1–5 kg", "0–500 g". */
export function formatBandRange(minGrams: number, maxGrams: number): string {
  if (maxGrams < 1000) return `${minGrams}–${maxGrams} g`;
  return `${decimals.format(minGrams / 1000)}–${decimals.format(maxGrams / 1000)} kg`;
}

/** "$19.00 flat" or "0–1 kg $5.00 · 1–5 kg $9.00". */
export function rateSummary(rate: ShippingRate): string {
  if (rate.type === "FLAT") return `${formatMoney(rate.amount)} flat`;
  return rate.bands.map((b) => `${formatBandRange(b.minGrams, b.maxGrams)} ${formatMoney(b.amount)}`).join(" · ");
}
