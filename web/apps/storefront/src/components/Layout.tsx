import { useAuth } from "@order-service/auth";
import { MainContent, SkipLink } from "@order-service/ui";
import { useState } from "react";
import { Link, NavLink } from "react-router";
import { useSignInError } from "../ShopContext";
import { useCartSession } from "../cart/CartSession";

export function Layout() {
  const { user, signIn, signOut, sessionEnded } = useAuth();
  const signInError = useSignInError();
  const { cart } = useCartSession();
  const [signInFailed, setSignInFailed] = useState<string | undefined>(signInError);
  const count = cart?.itemCount ?? 0;

  const startSignIn = () => signIn().catch((e: unknown) => setSignInFailed(`Sign-in could not start: ${String(e)}`));
  const who = user?.profile.name ?? user?.profile.email ?? user?.profile.sub;

  return (
    <div className="shell">
      <SkipLink />
      <header className="site-header">
        <div className="site-header-inner">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true">
              ◆
            </span>{" "}
            Order Service Shop
          </Link>
          <nav aria-label="Main" className="site-nav">
            <ul>
              <li>
                <NavLink to="/" end>
                  Shop
                </NavLink>
              </li>
              {user && (
                <li>
                  <NavLink to="/orders">My orders</NavLink>
                </li>
              )}
              <li>
                <NavLink to="/cart" className="cart-link" aria-label={`Cart, ${count} ${count === 1 ? "item" : "items"}`}>
                  Cart <span className="cart-count" aria-hidden="true">{count}</span>
                </NavLink>
              </li>
            </ul>
          </nav>
          <div className="site-account">
            {user ? (
              <>
                <span className="account-name">{who}</span>
                <button type="button" className="button small" onClick={() => void signOut()}>
                  Sign out
                </button>
              </>
            ) : (
              <button type="button" className="button small primary" onClick={() => void startSignIn()}>
                Sign in
              </button>
            )}
          </div>
        </div>
      </header>
      <MainContent>
        {signInFailed && (
          <div role="alert" className="alert alert-error">
            {signInFailed}
          </div>
        )}
        {sessionEnded && (
          <div role="alert" className="alert alert-warning">
            Your sign-in has ended.{" "}
            <button type="button" className="link-button" onClick={() => void startSignIn()}>
              Sign in again
            </button>{" "}
            to carry on.
          </div>
        )}
      </MainContent>
      <footer className="site-footer">
        <p>Order Service Shop · Free returns within 30 days of delivery · Prices in US dollars</p>
      </footer>
    </div>
  );
}

/** A page's heading and what it says under it. */
export function PageHeader({ title, children }: { title: React.ReactNode; children?: React.ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {children && <div className="page-intro">{children}</div>}
    </div>
  );
}
