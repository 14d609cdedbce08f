import { useEffect, useRef, type ReactNode } from "react";
import { Outlet, useLocation, useNavigation } from "react-router";

/** The first thing a keyboard reaches: a link to the page's content. */
export function SkipLink() {
  return (
    <a className="skip-link" href="#main">
      Skip to content
    </a>
  );
}

/**
 * The page's content (`#main`, the skip link's target): the app's alerts
 * (`children`), "Loading…" while the router loads the next page, then the
 * page. Focus moves to it on every new path, as a page load would.
 */
export function MainContent({ children }: { children?: ReactNode }) {
  const navigation = useNavigation();
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => {
    mainRef.current?.focus({ preventScroll: true });
  }, [location.pathname]);

  return (
    <main id="main" className="content" ref={mainRef} tabIndex={-1}>
      {children}
      {navigation.state === "loading" && (
        <p className="page-loading" role="status">
          Loading…
        </p>
      )}
      <Outlet />
    </main>
  );
}
