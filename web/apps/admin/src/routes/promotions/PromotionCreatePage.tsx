import { useCreatePromotion } from "@order-service/api";
import { Link, useNavigate } from "react-router";
import { PageHeader } from "../../components/states";
import { emptyPromotion, PromotionForm } from "./PromotionForm";

export function Component() {
  const create = useCreatePromotion();
  const navigate = useNavigate();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/promotions">Promotions</Link> / New
      </p>
      <PageHeader title="New promotion" />
      <PromotionForm
        defaultValues={emptyPromotion}
        codeEditable
        submitLabel="Create promotion"
        pending={create.isPending}
        error={create.error}
        onSubmit={(body, onError) =>
          create.mutate(body, { onSuccess: (p) => void navigate(`/promotions/${p.code}`), onError })
        }
      />
    </>
  );
}
