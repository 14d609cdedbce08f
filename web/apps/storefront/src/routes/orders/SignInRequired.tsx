import { useAuth } from "@order-service/auth";
import { useState } from "react";
import { PageHeader } from "../../components/Layout";

/** A page that needs the customer: a way to sign in and come back. */
export function SignInRequired({ title, what }: { title: string; what: string }) {
  const { signIn } = useAuth();
  const [error, setError] = useState<string>();
  return (
    <>
      <PageHeader title={title} />
      <div className="card narrow">
        <p>Sign in to {what}.</p>
        <button type="button" className="button primary" onClick={() => signIn().catch((e: unknown) => setError(`Sign-in could not start: ${String(e)}`))}>
          Sign in
        </button>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </>
  );
}
