import { useArchiveProduct, useProduct, useUpdateProduct } from "@order-service/api";
import { useState } from "react";
import { Link, useLocation, useParams } from "react-router";
import { ErrorState, FormError, Loading, PageHeader } from "../../components/states";
import { ProductForm, toProductValues } from "./ProductForm";

export function Component() {
  const { sku = "" } = useParams();
  const location = useLocation();
  const product = useProduct(sku);
  const update = useUpdateProduct(sku);
  const archive = useArchiveProduct(sku);
  const [saved, setSaved] = useState<string | null>((location.state as { created?: boolean } | null)?.created ? "Product created." : null);
  const archived = product.data?.active === false;

  let body;
  if (product.isPending) body = <Loading label="Loading the product…" />;
  else if (product.isError)
    body = <ErrorState title="The product could not be loaded." error={product.error} retry={() => void product.refetch()} />;
  else {
    const values = toProductValues(product.data);
    body = (
      <>
        {archived && (
          <p className="alert alert-info" role="status">
            This product is archived: it is not on sale. Tick “Active (on sale in the storefront)” and save to put it back on sale.
          </p>
        )}
        {saved && (
          <p className="alert alert-success" role="status">
            {saved}
          </p>
        )}
        <ProductForm
          key={product.dataUpdatedAt}
          defaultValues={values}
          skuEditable={false}
          submitLabel="Save changes"
          pending={update.isPending}
          error={update.error}
          onSubmit={(request, onError) => {
            setSaved(null);
            const { sku: _sku, ...input } = request;
            update.mutate(input, { onSuccess: () => setSaved("Changes saved."), onError });
          }}
        />
      </>
    );
  }

  return (
    <>
      <p className="breadcrumb">
        <Link to="/products">Products</Link> / {sku}
      </p>
      <PageHeader title={`Product ${sku}`}>
        <Link className="button" to={`/inventory/${sku}`}>
          Stock
        </Link>
        {product.data && !archived && (
          <button
            type="button"
            className="button danger"
            disabled={archive.isPending}
            onClick={() => archive.mutate(undefined, { onSuccess: () => setSaved("Product archived: it is no longer on sale.") })}
          >
            Archive
          </button>
        )}
      </PageHeader>
      <FormError error={archive.error} />
      {body}
    </>
  );
}
