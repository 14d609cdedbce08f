/** Stock per SKU: list (with the low-stock filter), receive or adjust, the SKU's ledger. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type OperationBody, type OperationJson } from "../client";
import { useApiClient } from "../context";
import type { components } from "../generated/openapi";
import { queryKeysFactory, type PageQuery } from "./keys";
import { productKeys } from "./products";
import { reportKeys } from "./reports";

export type InventoryItem = components["schemas"]["InventoryItem"];
export type StockAdjustment = OperationBody<"adjustStock">;
export type LedgerPage = OperationJson<"getStockLedger">;
export type LedgerEntry = LedgerPage["items"][number];

export const inventoryKeys = queryKeysFactory("inventory");
export const ledgerKeys = queryKeysFactory("stock-ledger");

export function useInventory(query: PageQuery & { lowStock?: boolean } = {}) {
  const client = useApiClient();
  const { lowStock, ...page } = query;
  return useQuery({
    queryKey: inventoryKeys.list(query),
    queryFn: () =>
      unwrap(
        client.GET("/admin/inventory", {
          params: { query: { ...page, ...(lowStock ? { lowStock: "true" as const } : {}) } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/**
 * One SKU's stock. The contract has no single-SKU read, so this pages through
 * the inventory listing (SKU order, 100 a page) until it finds the SKU.
 */
export function useInventoryItem(sku: string) {
  const client = useApiClient();
  return useQuery({
    queryKey: inventoryKeys.detail(sku),
    queryFn: async (): Promise<InventoryItem | null> => {
      let cursor: string | undefined;
      for (let page = 0; page < 100; page += 1) {
        const result = await unwrap(
          client.GET("/admin/inventory", { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } }),
        );
        const item = result.items.find((i) => i.sku === sku);
        if (item) return item;
        if (!result.nextCursor) return null;
        cursor = result.nextCursor;
      }
      return null;
    },
  });
}

export function useAdjustStock(sku: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: StockAdjustment) =>
      unwrap(client.POST("/admin/products/{sku}/stock", { params: { path: { sku } }, body })),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: inventoryKeys.all }),
        queryClient.invalidateQueries({ queryKey: productKeys.detail(sku) }),
        queryClient.invalidateQueries({ queryKey: productKeys.lists() }),
        queryClient.invalidateQueries({ queryKey: ledgerKeys.detail(sku) }),
        queryClient.invalidateQueries({ queryKey: reportKeys.all }),
      ]);
    },
  });
}

export function useStockLedger(sku: string, query: PageQuery = {}) {
  const client = useApiClient();
  return useQuery({
    queryKey: ledgerKeys.detail(sku, query),
    queryFn: () => unwrap(client.GET("/admin/inventory/{sku}/ledger", { params: { path: { sku }, query } })),
    placeholderData: keepPreviousData,
  });
}
