import { timestampFormatters } from "@order-service/ui";

/** Timestamps in the reader's time zone, in British English. */
export const { formatDateTime, formatDateTimeSeconds } = timestampFormatters("en-GB");

const dateOnly = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

/** A UTC calendar day (YYYY-MM-DD). */
export function formatDay(value: string): string {
  const date = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? value : dateOnly.format(date);
}

/** Today's UTC date as YYYY-MM-DD, `offsetDays` from now. */
export function utcDay(offsetDays = 0, now = new Date()): string {
  return new Date(now.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

export function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}
