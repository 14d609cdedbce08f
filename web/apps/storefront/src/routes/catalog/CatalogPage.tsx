import { formatMoney, useCatalog } from "@order-service/api";
import { Link } from "react-router";
import { AddToCart } from "../../components/AddToCart";
import { Availability } from "../../components/Availability";
import { PageHeader } from "../../components/Layout";
import { ProductArt } from "../../components/ProductArt";
import { Empty, ErrorState, Loading } from "../../components/states";

export function Component() {
  const catalog = useCatalog();
  const products = catalog.data?.pages.flatMap((page) => page.items) ?? [];
  const nextPageError = catalog.isFetchNextPageError ? catalog.error : null;
  return (
    <>
      <PageHeader title="Shop">
        <p>Heavyweight tees, warm hoodies, caps, mugs and stickers. Free returns within 30 days.</p>
      </PageHeader>
      {catalog.isPending ? (
        <Loading label="Loading products…" />
      ) : catalog.isError ? (
        <ErrorState title="The products could not be loaded." error={catalog.error} retry={() => void catalog.refetch()} />
      ) : products.length === 0 ? (
        <Empty>
          <p>Nothing is for sale right now. Please come back soon.</p>
        </Empty>
      ) : (
        <>
          <ul className="product-grid" aria-label="Products">
            {products.map((product) => (
              <li key={product.sku} className="product-card">
                <Link to={`/products/${encodeURIComponent(product.sku)}`} className="product-card-link">
                  <ProductArt sku={product.sku} name={product.name} />
                  <h2 className="product-name">{product.name}</h2>
                </Link>
                <p className="product-price">{formatMoney(product.price)}</p>
                <Availability product={product} />
                <AddToCart product={product} compact />
              </li>
            ))}
          </ul>
          {nextPageError && <ErrorState title="More products could not be loaded." error={nextPageError} />}
          {catalog.hasNextPage && (
            <p className="load-more">
              <button type="button" className="button" onClick={() => void catalog.fetchNextPage()} disabled={catalog.isFetchingNextPage}>
                {catalog.isFetchingNextPage ? "Loading more…" : "Show more products"}
              </button>
            </p>
          )}
        </>
      )}
    </>
  );
}
