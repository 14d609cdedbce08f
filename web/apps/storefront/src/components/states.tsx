/** The loading, empty and error states every page shows. */
import { isApiError } from "@order-service/api";
import { Empty as SharedEmpty, ErrorState as SharedErrorState, type ErrorStateProps } from "@order-service/ui";
import type { ReactNode } from "react";

export { Loading } from "@order-service/ui";

/** Nothing to show: the shop says it in paragraphs (often with a link), so a `div`. */
export function Empty({ children }: { children: ReactNode }) {
  return <SharedEmpty as="div">{children}</SharedEmpty>;
}

/** What a failed request said, as a sentence, with a way to try again. */
export function ErrorState(props: ErrorStateProps) {
  return <SharedErrorState {...props} ErrorText={ErrorText} />;
}

export function ErrorText({ error }: { error: unknown }) {
  if (isApiError(error)) return <span>{sentence(error.message)}</span>;
  return <span>{error instanceof Error ? error.message : String(error)}</span>;
}

/** The service's messages are lower-case phrases ("only 3 of MUG-LOGO available"): shown as a sentence. */
export function sentence(message: string): string {
  const text = message.trim();
  if (!text) return text;
  const first = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}
