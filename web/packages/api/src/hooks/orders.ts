/** Orders, as administrators see them: list, detail, cancel, refund, label. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type OperationBody, type OperationQuery } from "../client";
import { useApiClient } from "../context";
import type { components } from "../generated/openapi";
import { queryKeysFactory } from "./keys";
import { inventoryKeys } from "./inventory";
import { paymentKeys } from "./payments";
import { reportKeys } from "./reports";
import { returnKeys } from "./returns";

export type AdminOrder = components["schemas"]["AdminOrder"];
export type OrderStatus = components["schemas"]["OrderStatus"];
export type Refund = components["schemas"]["Refund"];
/**
 * Filters combine as the API's indexes allow: `orderNumber` alone; `email`
 * with `from`/`to`; `status` with `from`/`to`; `from`/`to` alone.
 */
export type OrderListQuery = OperationQuery<"adminListOrders">;
export type RefundRequest = OperationBody<"refundOrder">;

export const orderKeys = queryKeysFactory("orders");

export function useOrders(query: OrderListQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: orderKeys.list(query),
    queryFn: () => unwrap(client.GET("/admin/orders", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useOrder(orderId: string) {
  const client = useApiClient();
  return useQuery({
    queryKey: orderKeys.detail(orderId),
    queryFn: () => unwrap(client.GET("/admin/orders/{orderId}", { params: { path: { orderId } } })),
  });
}

/** What an order change makes stale: the order, the order lists, and what derives from orders. */
function useInvalidateOrder(orderId: string) {
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: orderKeys.detail(orderId) }),
      queryClient.invalidateQueries({ queryKey: orderKeys.lists() }),
      queryClient.invalidateQueries({ queryKey: returnKeys.lists() }),
      queryClient.invalidateQueries({ queryKey: inventoryKeys.all }),
      queryClient.invalidateQueries({ queryKey: paymentKeys.lists() }),
      queryClient.invalidateQueries({ queryKey: reportKeys.all }),
    ]);
  };
}

export function useCancelOrder(orderId: string) {
  const client = useApiClient();
  const invalidate = useInvalidateOrder(orderId);
  return useMutation({
    mutationFn: (reason?: string) =>
      unwrap(
        client.POST("/admin/orders/{orderId}/cancel", {
          params: { path: { orderId } },
          body: reason ? { reason } : {},
        }),
      ),
    onSuccess: invalidate,
  });
}

/**
 * A refund without a return. The caller keeps one Idempotency-Key for an
 * attempt (the same amount and reason) so a retry after a lost answer
 * refunds once.
 */
export function useRefundOrder(orderId: string) {
  const client = useApiClient();
  const invalidate = useInvalidateOrder(orderId);
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: RefundRequest; idempotencyKey: string }) =>
      unwrap(
        client.POST("/admin/orders/{orderId}/refunds", {
          params: { path: { orderId }, header: { "Idempotency-Key": idempotencyKey } },
          body,
        }),
      ),
    onSuccess: invalidate,
  });
}

/** The shipping label PDF of a shipped order. */
export function useOrderLabel(orderId: string) {
  const client = useApiClient();
  return useMutation({
    mutationFn: async () => {
      const blob = await unwrap(
        client.GET("/admin/orders/{orderId}/label", { params: { path: { orderId } }, parseAs: "blob" }),
      );
      return blob as unknown as Blob;
    },
  });
}
