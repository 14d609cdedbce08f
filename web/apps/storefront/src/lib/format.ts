import { timestampFormatters } from "@order-service/ui";

/** Timestamps in the reader's time zone, in American English. */
export const { formatDateTime, formatDateTimeSeconds } = timestampFormatters("en-US");

const dateOnly = new Intl.DateTimeFormat("en-US", { dateStyle: "long" });

export function formatDate(value: string | Date | null | undefined): string {
  if (!value) return "—";
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : dateOnly.format(date);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
