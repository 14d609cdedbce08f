/** The catalog: create, edit, archive. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type OperationBody } from "../client";
import { useApiClient } from "../context";
import type { components } from "../generated/openapi";
import { inventoryKeys } from "./inventory";
import { queryKeysFactory } from "./keys";

export type AdminProduct = components["schemas"]["AdminProduct"];
export type Product = components["schemas"]["Product"];
export type CreateProductRequest = OperationBody<"createProduct">;
export type ProductInput = OperationBody<"updateProduct">;

export const productKeys = queryKeysFactory("products");

/** A product with its admin fields, archived or not (what the edit form starts from). */
export function useProduct(sku: string) {
  const client = useApiClient();
  return useQuery({
    queryKey: productKeys.detail(sku),
    queryFn: () => unwrap(client.GET("/admin/products/{sku}", { params: { path: { sku } } })),
    retry: false,
  });
}

function useInvalidateProduct() {
  const queryClient = useQueryClient();
  return async (sku: string) => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: productKeys.lists() }),
      queryClient.invalidateQueries({ queryKey: productKeys.detail(sku) }),
      queryClient.invalidateQueries({ queryKey: inventoryKeys.all }),
    ]);
  };
}

export function useCreateProduct() {
  const client = useApiClient();
  const invalidate = useInvalidateProduct();
  return useMutation({
    mutationFn: (body: CreateProductRequest) => unwrap(client.POST("/admin/products", { body })),
    onSuccess: (product) => invalidate(product.sku),
  });
}

export function useUpdateProduct(sku: string) {
  const client = useApiClient();
  const invalidate = useInvalidateProduct();
  return useMutation({
    mutationFn: (body: ProductInput) =>
      unwrap(client.PUT("/admin/products/{sku}", { params: { path: { sku } }, body })),
    onSuccess: () => invalidate(sku),
  });
}

export function useArchiveProduct(sku: string) {
  const client = useApiClient();
  const invalidate = useInvalidateProduct();
  return useMutation({
    mutationFn: () => unwrap(client.DELETE("/admin/products/{sku}", { params: { path: { sku } } })),
    onSuccess: () => invalidate(sku),
  });
}
