/** The loading, empty and error states every page shows; each app words the error itself. */
import type { ComponentType, ReactNode } from "react";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p className="state state-loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

/** Nothing to show: a paragraph, or a `div` where the message holds blocks (a link, a button). */
export function Empty({ children, as: Element = "p" }: { children: ReactNode; as?: "p" | "div" }) {
  return <Element className="state state-empty">{children}</Element>;
}

export type ErrorStateProps = { error: unknown; retry?: () => void; title?: string };

/** What a failed request said, worded by the app's `ErrorText`, with a way to try again. */
export function ErrorState({ error, retry, title, ErrorText }: ErrorStateProps & { ErrorText: ComponentType<{ error: unknown }> }) {
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
