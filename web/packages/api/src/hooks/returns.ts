/** Returns: the queue waiting for an administrator, and approve, reject, receive. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type OperationBody, type OperationJson } from "../client";
import { useApiClient } from "../context";
import type { components } from "../generated/openapi";
import { inventoryKeys } from "./inventory";
import { queryKeysFactory, type PageQuery } from "./keys";
import { orderKeys } from "./orders";
import { paymentKeys } from "./payments";
import { reportKeys } from "./reports";

export type Return = components["schemas"]["Return"];
export type OpenReturn = OperationJson<"listOpenReturns">["items"][number];
export type ReceiveReturnRequest = OperationBody<"receiveReturn">;

export const returnKeys = queryKeysFactory("returns");

export function useOpenReturns(query: PageQuery = {}) {
  const client = useApiClient();
  return useQuery({
    queryKey: returnKeys.list(query),
    queryFn: () => unwrap(client.GET("/admin/returns", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

function useInvalidateReturn(orderId: string) {
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: returnKeys.lists() }),
      queryClient.invalidateQueries({ queryKey: orderKeys.detail(orderId) }),
      queryClient.invalidateQueries({ queryKey: orderKeys.lists() }),
    ]);
  };
}

type ReturnRef = { orderId: string; returnId: string };

export function useApproveReturn({ orderId, returnId }: ReturnRef) {
  const client = useApiClient();
  const invalidate = useInvalidateReturn(orderId);
  return useMutation({
    mutationFn: (note?: string) =>
      unwrap(
        client.POST("/admin/orders/{orderId}/returns/{returnId}/approve", {
          params: { path: { orderId, returnId } },
          body: note ? { note } : {},
        }),
      ),
    onSuccess: invalidate,
  });
}

export function useRejectReturn({ orderId, returnId }: ReturnRef) {
  const client = useApiClient();
  const invalidate = useInvalidateReturn(orderId);
  return useMutation({
    mutationFn: (note?: string) =>
      unwrap(
        client.POST("/admin/orders/{orderId}/returns/{returnId}/reject", {
          params: { path: { orderId, returnId } },
          body: note ? { note } : {},
        }),
      ),
    onSuccess: invalidate,
  });
}

/** Receiving refunds the return and restocks RESTOCK lines: stock, payments and reports change too. */
export function useReceiveReturn({ orderId, returnId }: ReturnRef) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const invalidate = useInvalidateReturn(orderId);
  return useMutation({
    mutationFn: (body: ReceiveReturnRequest) =>
      unwrap(
        client.POST("/admin/orders/{orderId}/returns/{returnId}/receive", {
          params: { path: { orderId, returnId } },
          body,
        }),
      ),
    onSuccess: async () => {
      await Promise.all([
        invalidate(),
        queryClient.invalidateQueries({ queryKey: inventoryKeys.all }),
        queryClient.invalidateQueries({ queryKey: paymentKeys.lists() }),
        queryClient.invalidateQueries({ queryKey: reportKeys.all }),
      ]);
    },
  });
}
