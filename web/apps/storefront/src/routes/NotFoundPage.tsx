import { Link } from "react-router";
import { PageHeader } from "../components/Layout";

export function NotFound({ title = "Page not found", children }: { title?: string; children?: React.ReactNode }) {
  return (
    <div className="not-found">
      <PageHeader title={title}>
        {children ?? <p>There is nothing at this address. It may have moved, or the link may be mistyped.</p>}
      </PageHeader>
      <p className="actions">
        <Link to="/" className="button primary">
          Continue shopping
        </Link>
      </p>
    </div>
  );
}

export function Component() {
  return <NotFound />;
}
