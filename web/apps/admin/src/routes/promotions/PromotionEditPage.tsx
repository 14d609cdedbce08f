import { useDeactivatePromotion, usePromotion, useUpdatePromotion } from "@order-service/api";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { ErrorState, FormError, Loading, PageHeader } from "../../components/states";
import { Usage } from "./PromotionListPage";
import { PromotionForm, toPromotionValues } from "./PromotionForm";

export function Component() {
  const { code = "" } = useParams();
  const promotion = usePromotion(code);
  const update = useUpdatePromotion(code);
  const deactivate = useDeactivatePromotion(code);
  const [saved, setSaved] = useState<string | null>(null);
  return (
    <>
      <p className="breadcrumb">
        <Link to="/promotions">Promotions</Link> / {code}
      </p>
      <PageHeader title={`Promotion ${code}`}>
        {promotion.data?.active && (
          <button
            type="button"
            className="button danger"
            disabled={deactivate.isPending}
            onClick={() => deactivate.mutate(undefined, { onSuccess: () => setSaved("Promotion deactivated.") })}
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
      {promotion.isPending ? (
        <Loading label="Loading the promotion…" />
      ) : promotion.isError ? (
        <ErrorState title="The promotion could not be loaded." error={promotion.error} retry={() => void promotion.refetch()} />
      ) : (
        <>
          <p>
            Used: <Usage used={promotion.data.used} limit={promotion.data.usageLimit} />
          </p>
          <PromotionForm
            key={promotion.dataUpdatedAt}
            defaultValues={toPromotionValues(promotion.data)}
            codeEditable={false}
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
