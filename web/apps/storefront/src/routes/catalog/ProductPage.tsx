import { formatMoney, isApiError, useCatalogProduct } from "@order-service/api";
import { Link, useParams } from "react-router";
import { AddToCart } from "../../components/AddToCart";
import { Availability } from "../../components/Availability";
import { ProductArt } from "../../components/ProductArt";
import { ErrorState, Loading } from "../../components/states";
import { NotFound } from "../NotFoundPage";

export function Component() {
  const { sku = "" } = useParams();
  const product = useCatalogProduct(sku);
  if (product.isPending) return <Loading label="Loading the product…" />;
  if (product.isError) {
    if (isApiError(product.error) && product.error.status === 404) {
      return (
        <NotFound title="Product not found">
          <p>This product is not for sale any more, or the link is mistyped.</p>
        </NotFound>
      );
    }
    return <ErrorState title="The product could not be loaded." error={product.error} retry={() => void product.refetch()} />;
  }
  const p = product.data;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>
            <Link to="/">Shop</Link>
          </li>
          <li aria-current="page">{p.name}</li>
        </ol>
      </nav>
      <article className="product-detail">
        <ProductArt sku={p.sku} name={p.name} size="large" />
        <div className="product-detail-info">
          <h1>{p.name}</h1>
          <p className="product-price large">{formatMoney(p.price)}</p>
          <Availability product={p} />
          {p.description && <p className="product-description">{p.description}</p>}
          <AddToCart product={p} />
          <dl className="facts">
            <dt>Item number</dt>
            <dd>{p.sku}</dd>
            {p.weightGrams > 0 && (
              <>
                <dt>Shipping weight</dt>
                <dd>{p.weightGrams} g</dd>
              </>
            )}
          </dl>
        </div>
      </article>
    </>
  );
}
