/** The loading, empty and error states every page shows. */
import { isApiError } from "@order-service/api";
import type { ReactNode } from "react";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p className="state state-loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

/** What a failed request said, as it said it, with a way to try again. */
export function ErrorState({ error, retry, title }: { error: unknown; retry?: () => void; title?: string }) {
  return (
    <div className="alert alert-error" role="alert">
      {title && <strong>{title} </strong>}
      <ErrorText error={error} />
      {retry && (
        <>
          {" "}
          <button type="button" className="link-button" onClick={retry}>
            Try again
          </button>
        </>
      )}
    </div>
  );
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
