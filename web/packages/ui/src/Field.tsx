import { useId, type ReactNode } from "react";

/**
 * A labelled control with its hint and its error beside it; the control gets
 * `id`, `aria-invalid` and `aria-describedby` through the render prop.
 */
export function Field({
  label,
  error,
  hint,
  children,
  className,
}: {
  label: ReactNode;
  error?: { message?: string | undefined } | undefined;
  hint?: ReactNode;
  className?: string;
  children: (props: { id: string; "aria-invalid": boolean; "aria-describedby"?: string }) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ");
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-invalid": Boolean(error), ...(describedBy ? { "aria-describedby": describedBy } : {}) })}
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      {error?.message && (
        <p id={errorId} className="field-error">
          {error.message}
        </p>
      )}
    </div>
  );
}

/** A checkbox with its label after it. */
export function CheckField({ label, children }: { label: ReactNode; children: (props: { id: string }) => ReactNode }) {
  const id = useId();
  return (
    <div className="field field-check">
      {children({ id })}
      <label htmlFor={id}>{label}</label>
    </div>
  );
}
