/** The fulfilment queue (orders AWAITING_FULFILMENT, oldest first, with the page's pick list) and shipping an order from it. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type OperationBody, type OperationJson } from "../client";
import { useApiClient } from "../context";
import type { components } from "../generated/openapi";
import { inventoryKeys } from "./inventory";
import { queryKeysFactory, type PageQuery } from "./keys";
import { orderKeys } from "./orders";
import { reportKeys } from "./reports";

export type FulfilmentQueuePage = OperationJson<"listFulfilmentQueue">;
export type PickListEntry = components["schemas"]["PickListEntry"];
/** Empty to book the shop's carrier; all of `carrier`, `trackingNumber` and `trackingUrl` for another. */
export type ShipOrderRequest = OperationBody<"shipOrder">;

export const fulfilmentKeys = queryKeysFactory("fulfilment");

export function useFulfilmentQueue(query: PageQuery = {}) {
  const client = useApiClient();
  return useQuery({
    queryKey: fulfilmentKeys.list(query),
    queryFn: () => unwrap(client.GET("/admin/fulfilment", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/**
 * Ships an order waiting in the queue: the order, the order lists, the
 * queue, stock on hand and the reports change. Repeating a ship that went
 * through answers the same order, so a retry after a lost answer is safe.
 */
export function useShipOrder(orderId: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ShipOrderRequest = {}) =>
      unwrap(client.POST("/admin/orders/{orderId}/ship", { params: { path: { orderId } }, body })),
    onSuccess: async (order) => {
      queryClient.setQueryData(orderKeys.detail(orderId), order);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: orderKeys.detail(orderId) }),
        queryClient.invalidateQueries({ queryKey: orderKeys.lists() }),
        queryClient.invalidateQueries({ queryKey: fulfilmentKeys.all }),
        queryClient.invalidateQueries({ queryKey: inventoryKeys.all }),
        queryClient.invalidateQueries({ queryKey: reportKeys.all }),
      ]);
    },
  });
}
