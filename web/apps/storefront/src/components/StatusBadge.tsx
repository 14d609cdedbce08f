import { statusText } from "../lib/orderStatus";

/** An order's status in words (never colour alone). */
export function StatusBadge({ status }: { status: string }) {
  const text = statusText(status);
  return (
    <span className={`badge badge-${text.tone}`} data-status={status}>
      {text.label}
    </span>
  );
}
