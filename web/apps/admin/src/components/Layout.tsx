import { useEffect, useRef } from "react";
import { isRouteErrorResponse, NavLink, Outlet, useLocation, useNavigation, useRouteError } from "react-router";
import { useAuth } from "@order-service/auth";

const NAV = [
  { to: "/orders", label: "Orders" },
  { to: "/fulfilment", label: "Fulfilment" },
  { to: "/payments", label: "Payments" },
  { to: "/returns", label: "Returns" },
  { to: "/inventory", label: "Inventory" },
  { to: "/products", label: "Products" },
  { to: "/promotions", label: "Promotions" },
  { to: "/shipping-options", label: "Shipping options" },
  { to: "/tax-rates", label: "Tax rates" },
  { to: "/reports", label: "Reports" },
  { to: "/settings", label: "Settings" },
];

export function Layout() {
  const { user, signOut, sessionEnded, signIn } = useAuth();
  const navigation = useNavigation();
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);

  // Moves focus to the new page's content, as a page load would.
  useEffect(() => {
    mainRef.current?.focus({ preventScroll: true });
  }, [location.pathname]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Order Service · Admin</span>
        <span className="topbar-user">
          <span>{user?.profile.email ?? user?.profile.sub}</span>
          <button type="button" className="button small" onClick={() => void signOut()}>
            Sign out
          </button>
        </span>
      </header>
      <nav className="sidenav" aria-label="Main">
        <ul>
          {NAV.map((item) => (
            <li key={item.to}>
              <NavLink to={item.to}>{item.label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" ref={mainRef} tabIndex={-1}>
        {sessionEnded && (
          <div role="alert" className="alert alert-warning">
            Your sign-in has ended. What you typed is still here;{" "}
            <button type="button" className="link-button" onClick={() => void signIn()}>
              sign in again
            </button>{" "}
            to send it.
          </div>
        )}
        {navigation.state === "loading" && (
          <p className="page-loading" role="status">
            Loading…
          </p>
        )}
        <Outlet />
      </main>
    </div>
  );
}

export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : String(error);
  return (
    <main className="centered-page">
      <div className="card narrow">
        <h1>Something went wrong</h1>
        <p role="alert" className="alert alert-error">
          {message}
        </p>
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    </main>
  );
}
