/** The public catalog as the storefront shows it: active products, a page at a time. */
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { unwrap } from "../client";
import { useApiClient } from "../context";
import type { components } from "../generated/openapi";
import { queryKeysFactory } from "./keys";

export type CatalogProduct = components["schemas"]["Product"];

export const catalogKeys = queryKeysFactory("catalog");

/** Pages of active products; `fetchNextPage` follows the API's `nextCursor`. */
export function useCatalog(pageSize = 12) {
  const client = useApiClient();
  return useInfiniteQuery({
    queryKey: catalogKeys.list({ pageSize }),
    queryFn: ({ pageParam }) =>
      unwrap(client.GET("/products", { params: { query: { limit: pageSize, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useCatalogProduct(sku: string) {
  const client = useApiClient();
  return useQuery({
    queryKey: catalogKeys.detail(sku),
    queryFn: () => unwrap(client.GET("/products/{sku}", { params: { path: { sku } } })),
  });
}

/**
 * How a product's stock reads to a shopper: in stock, only a few left (at
 * or below `fewAt`), on backorder (none now, but it can be ordered), or sold out.
 */
export type Availability =
  | { kind: "in_stock"; available: number }
  | { kind: "few_left"; available: number }
  | { kind: "backorder" }
  | { kind: "sold_out" };

export function availabilityOf(product: Pick<CatalogProduct, "available" | "allowBackorder">, fewAt = 5): Availability {
  if (product.available <= 0) return product.allowBackorder ? { kind: "backorder" } : { kind: "sold_out" };
  if (product.available <= fewAt) return { kind: "few_left", available: product.available };
  return { kind: "in_stock", available: product.available };
}

/** The most units of a product one line may hold: 99, or what is in stock unless it can be backordered. */
export function maxOrderable(product: Pick<CatalogProduct, "available" | "allowBackorder">): number {
  return product.allowBackorder ? 99 : Math.max(0, Math.min(99, product.available));
}
