import { availabilityOf, type CatalogProduct } from "@order-service/api";

/** In stock, only N left, on backorder or sold out: in words, with a tone. */
export function Availability({ product }: { product: Pick<CatalogProduct, "available" | "allowBackorder"> }) {
  const availability = availabilityOf(product);
  switch (availability.kind) {
    case "in_stock":
      return <span className="stock stock-in">In stock</span>;
    case "few_left":
      return <span className="stock stock-few">Only {availability.available} left</span>;
    case "backorder":
      return <span className="stock stock-backorder">On backorder — ships when restocked</span>;
    case "sold_out":
      return <span className="stock stock-out">Sold out</span>;
  }
}
