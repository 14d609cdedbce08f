import { useCreateProduct } from "@order-service/api";
import { Link, useNavigate } from "react-router";
import { PageHeader } from "../../components/states";
import { emptyProduct, ProductForm } from "./ProductForm";

export function Component() {
  const create = useCreateProduct();
  const navigate = useNavigate();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/products">Products</Link> / New
      </p>
      <PageHeader title="New product" description="A new product starts with no stock; receive stock on its inventory page." />
      <ProductForm
        defaultValues={emptyProduct}
        skuEditable
        submitLabel="Create product"
        pending={create.isPending}
        error={create.error}
        onSubmit={(body, onError) =>
          create.mutate(body, {
            onSuccess: (product) => void navigate(`/products/${product.sku}`, { state: { created: true } }),
            onError,
          })
        }
      />
    </>
  );
}
