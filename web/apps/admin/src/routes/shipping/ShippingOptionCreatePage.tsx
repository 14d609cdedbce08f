import { useCreateShippingOption } from "@order-service/api";
import { Link, useNavigate } from "react-router";
import { PageHeader } from "../../components/states";
import { emptyShippingOption, ShippingOptionForm } from "./ShippingOptionForm";

export function Component() {
  const create = useCreateShippingOption();
  const navigate = useNavigate();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/shipping-options">Shipping options</Link> / New
      </p>
      <PageHeader title="New shipping option" />
      <ShippingOptionForm
        defaultValues={emptyShippingOption}
        submitLabel="Create shipping option"
        pending={create.isPending}
        error={create.error}
        onSubmit={(body, onError) =>
          create.mutate(body, {
            onSuccess: (option) => void navigate(`/shipping-options/${option.optionId}`, { state: { created: true } }),
            onError,
          })
        }
      />
    </>
  );
}
