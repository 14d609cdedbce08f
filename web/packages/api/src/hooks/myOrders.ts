/**
 * The signed-in customer's own orders (the storefront): list, detail, the
 * tracking timeline, cancel and returns. Another customer's order answers
 * 404, as an order that does not exist does.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type OperationBody, type OperationJson } from "../client";
import { useApiClient } from "../context";
import type { components } from "../generated/openapi";
import { queryKeysFactory, type PageQuery } from "./keys";

export type Order = components["schemas"]["Order"];
export type OrderReturn = components["schemas"]["Return"];
export type OrderTracking = OperationJson<"getOrderTracking">;
export type ReturnRequest = OperationBody<"requestReturn">;

export const myOrderKeys = {
  ...queryKeysFactory("my-orders"),
  tracking: (orderId: string) => ["my-orders", "tracking", orderId] as const,
};

export function useMyOrders(query: PageQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: myOrderKeys.list(query),
    queryFn: () => unwrap(client.GET("/orders", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useMyOrder(orderId: string) {
  const client = useApiClient();
  return useQuery({
    queryKey: myOrderKeys.detail(orderId),
    queryFn: () => unwrap(client.GET("/orders/{orderId}", { params: { path: { orderId } } })),
  });
}

/** The carrier's events and the shipment (asked for once the order has shipped). */
export function useOrderTracking(orderId: string, enabled: boolean) {
  const client = useApiClient();
  return useQuery({
    queryKey: myOrderKeys.tracking(orderId),
    queryFn: () => unwrap(client.GET("/orders/{orderId}/tracking", { params: { path: { orderId } } })),
    enabled,
  });
}

function useInvalidateMyOrder(orderId: string) {
  const queryClient = useQueryClient();
  return async (order?: Order) => {
    if (order) queryClient.setQueryData(myOrderKeys.detail(orderId), order);
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: myOrderKeys.detail(orderId) }),
      queryClient.invalidateQueries({ queryKey: myOrderKeys.lists() }),
      queryClient.invalidateQueries({ queryKey: myOrderKeys.tracking(orderId) }),
    ]);
  };
}

export function useCancelMyOrder(orderId: string) {
  const client = useApiClient();
  const invalidate = useInvalidateMyOrder(orderId);
  return useMutation({
    mutationFn: (reason?: string) =>
      unwrap(
        client.POST("/orders/{orderId}/cancel", {
          params: { path: { orderId } },
          body: reason?.trim() ? { reason: reason.trim() } : {},
        }),
      ),
    onSuccess: (order) => invalidate(order),
  });
}

export function useRequestReturn(orderId: string) {
  const client = useApiClient();
  const invalidate = useInvalidateMyOrder(orderId);
  return useMutation({
    mutationFn: (body: ReturnRequest) =>
      unwrap(client.POST("/orders/{orderId}/returns", { params: { path: { orderId } }, body })),
    onSuccess: () => invalidate(),
  });
}
