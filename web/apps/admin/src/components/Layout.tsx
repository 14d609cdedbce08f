import { NavLink } from "react-router";
import { useAuth } from "@order-service/auth";
import { MainContent, SkipLink } from "@order-service/ui";

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
  { to: "/webhooks", label: "Webhooks" },
  { to: "/settings", label: "Settings" },
];

export function Layout() {
  const { user, signOut, sessionEnded, signIn } = useAuth();
  return (
    <div className="shell">
      <SkipLink />
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
      <MainContent>
        {sessionEnded && (
          <div role="alert" className="alert alert-warning">
            Your sign-in has ended. What you typed is still here;{" "}
            <button type="button" className="link-button" onClick={() => void signIn()}>
              sign in again
            </button>{" "}
            to send it.
          </div>
        )}
      </MainContent>
    </div>
  );
}
