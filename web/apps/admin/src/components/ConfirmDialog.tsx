import { useId, useLayoutEffect, useRef, type ReactNode } from "react";
import { FormError } from "./states";

/**
 * A modal question before an action that cannot be taken back: the browser's
 * own `<dialog>` (focus stays inside, Escape cancels), the safe choice first
 * so it has the focus when the dialog opens, and the service's refusal in it.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  pendingLabel,
  cancelLabel = "Cancel",
  onConfirm,
  onCancel,
  pending = false,
  error,
  tone = "danger",
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  pendingLabel?: string;
  cancelLabel?: string;
  onConfirm: () => void;
  onCancel: () => void;
  pending?: boolean;
  error?: unknown;
  tone?: "danger" | "primary";
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();

  // Before other effects, so a panel that takes the focus when the dialog closes gets it (the page behind a modal is inert).
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      // jsdom has no showModal; an open dialog is what it can show.
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
    } else if (!open && dialog.open) {
      if (typeof dialog.close === "function") dialog.close();
      else dialog.removeAttribute("open");
    }
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(event) => {
        // Escape: the parent decides (and nothing closes while the request is under way).
        event.preventDefault();
        if (!pending) onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      <div id={bodyId} className="dialog-body">
        {children}
      </div>
      <FormError error={error} />
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel} disabled={pending}>
          {cancelLabel}
        </button>
        <button type="button" className={`button ${tone}`} onClick={onConfirm} disabled={pending}>
          {pending ? (pendingLabel ?? `${confirmLabel}…`) : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
