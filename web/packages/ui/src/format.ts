/**
 * Timestamps in the reader's time zone ("—" for none), worded in `locale`:
 * each app names its own (the dashboard en-GB, the shop en-US).
 */
export function timestampFormatters(locale: string) {
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  const dateTimeSeconds = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium" });
  return {
    /** A timestamp to the minute. */
    formatDateTime: (value: string | null | undefined) => formatWith(dateTime, value),
    /** To the second: a timeline's events can be seconds apart. */
    formatDateTimeSeconds: (value: string | null | undefined) => formatWith(dateTimeSeconds, value),
  };
}

function formatWith(format: Intl.DateTimeFormat, value: string | null | undefined): string {
  if (!value) return "—";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : format.format(date);
}
