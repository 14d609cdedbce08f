import { useState } from "react";
import { useAuth } from "@order-service/auth";

export function SignInPage({ error }: { error?: string | undefined }) {
  const { signIn } = useAuth();
  const [failed, setFailed] = useState<string | undefined>(error);
  return (
    <main className="centered-page">
      <div className="card narrow">
        <h1>Order Service admin</h1>
        <p>Sign in with your administrator account to manage orders, stock, products and promotions.</p>
        {failed && (
          <p role="alert" className="alert alert-error">
            {failed}
          </p>
        )}
        <button
          type="button"
          className="button primary"
          onClick={() => signIn().catch((e: unknown) => setFailed(`Sign-in could not start: ${String(e)}`))}
        >
          Sign in
        </button>
      </div>
    </main>
  );
}
