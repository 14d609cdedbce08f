import { useDeactivateShippingOption, useShippingOption, useUpdateShippingOption } from "@order-service/api";
import { useState } from "react";
import { Link, useLocation, useParams } from "react-router";
import { ErrorState, FormError, Loading, PageHeader } from "../../components/states";
import { ShippingOptionForm, toShippingOptionValues } from "./ShippingOptionForm";

export function Component() {
  const { optionId = "" } = useParams();
  const location = useLocation();
  const option = useShippingOption(optionId);
  const update = useUpdateShippingOption(optionId);
  const deactivate = useDeactivateShippingOption(optionId);
  const [saved, setSaved] = useState<string | null>(
    (location.state as { created?: boolean } | null)?.created ? "Shipping option created." : null,
  );
  const name = option.data?.name ?? "Shipping option";
  return (
    <>
      <p className="breadcrumb">
        <Link to="/shipping-options">Shipping options</Link> / {name}
      </p>
      <PageHeader title={option.data ? `Shipping option ${option.data.name}` : "Shipping option"}>
        {option.data?.active && (
          <button
            type="button"
            className="button danger"
            disabled={deactivate.isPending}
            onClick={() =>
              deactivate.mutate(undefined, { onSuccess: () => setSaved("Shipping option deactivated: carts no longer list it.") })
            }
          >
            Deactivate
          </button>
        )}
      </PageHeader>
      <FormError error={deactivate.error} />
      {saved && (
        <p className="alert alert-success" role="status">
          {saved}
        </p>
      )}
      {option.isPending ? (
        <Loading label="Loading the shipping option…" />
      ) : option.isError ? (
        <ErrorState title="The shipping option could not be loaded." error={option.error} retry={() => void option.refetch()} />
      ) : (
        <>
          {!option.data.active && (
            <p className="alert alert-info" role="status">
              This option is inactive: carts do not list it. Tick “Active” and save to offer it again.
            </p>
          )}
          <ShippingOptionForm
            key={option.dataUpdatedAt}
            defaultValues={toShippingOptionValues(option.data)}
            submitLabel="Save changes"
            pending={update.isPending}
            error={update.error}
            onSubmit={(body, onError) => {
              setSaved(null);
              update.mutate(body, { onSuccess: () => setSaved("Changes saved."), onError });
            }}
          />
        </>
      )}
    </>
  );
}
