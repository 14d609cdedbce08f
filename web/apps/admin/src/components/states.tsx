/** The loading, empty and error states every screen shows. */
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
  return <p className="state state-empty">{children}</p>;
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
  if (isApiError(error)) {
    return (
      <span>
        {error.message}
        {error.status > 0 && <span className="error-code"> ({error.code})</span>}
      </span>
    );
  }
  return <span>{error instanceof Error ? error.message : String(error)}</span>;
}

/** The service's refusal of an action, beside the action. */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  return <ErrorState error={error} />;
}

/** A page's heading and its actions. */
export function PageHeader({ title, children, description }: { title: ReactNode; children?: ReactNode; description?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {description && <p className="muted">{description}</p>}
      </div>
      {children && <div className="page-actions">{children}</div>}
    </div>
  );
}
