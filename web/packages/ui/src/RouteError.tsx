import { isRouteErrorResponse, useRouteError } from "react-router";

/** The router's error page: what went wrong and a reload. */
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
