import { useEffect, useId, useRef, useState, type ReactNode } from "react";

/**
 * A signing secret, shown the one time the service sends it: read-only, with
 * a copy button and the warning that it will not be shown again. The heading
 * takes the focus when the panel appears, so it is not missed.
 */
export function SecretPanel({ secret, heading, children }: { secret: string; heading: string; children?: ReactNode }) {
  const headingId = useId();
  const inputId = useId();
  const warningId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");

  useEffect(() => {
    headingRef.current?.focus();
  }, [secret]);

  async function copySecret() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy("copied");
    } catch {
      // No clipboard (an insecure page, a refused permission): select it for Ctrl+C.
      inputRef.current?.select();
      setCopy("failed");
    }
  }

  return (
    <section className="card secret-panel" aria-labelledby={headingId}>
      <h2 id={headingId} ref={headingRef} tabIndex={-1}>
        {heading}
      </h2>
      <p id={warningId} className="alert alert-warning">
        <strong>Copy the secret now: it will not be shown again.</strong> Store it where your receiver checks signatures. If it is
        lost, rotate the secret to get a new one.
      </p>
      <div className="field">
        <label htmlFor={inputId}>Signing secret</label>
        <div className="secret-row">
          <input
            ref={inputRef}
            id={inputId}
            className="secret-value"
            readOnly
            value={secret}
            spellCheck={false}
            autoComplete="off"
            aria-describedby={warningId}
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" className="button primary" onClick={() => void copySecret()}>
            Copy
          </button>
        </div>
      </div>
      <p role="status" className="small">
        {copy === "copied" ? "Copied to the clipboard." : copy === "failed" ? "The browser did not allow copying: the secret is selected, press Ctrl+C (⌘C) to copy it." : ""}
      </p>
      {children}
    </section>
  );
}
