import { Link } from "react-router";
import { PageHeader } from "../components/states";

export function Component() {
  return (
    <>
      <PageHeader title="Page not found" />
      <p>
        There is no page at this address. <Link to="/orders">Go to the orders</Link>.
      </p>
    </>
  );
}
