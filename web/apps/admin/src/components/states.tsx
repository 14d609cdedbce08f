/** The loading, empty and error states every screen shows. */
import { isApiError } from "@order-service/api";
import { ErrorState as SharedErrorState, type ErrorStateProps } from "@order-service/ui";
import type { ReactNode } from "react";

export { Empty, Loading } from "@order-service/ui";

/** What a failed request said, as it said it (with the service's code), with a way to try again. */
export function ErrorState(props: ErrorStateProps) {
  return <SharedErrorState {...props} ErrorText={ErrorText} />;
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
