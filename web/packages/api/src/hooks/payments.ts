/** Every capture, decline and refund across orders (listPayments, from a later contract). */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { callOperation, hasOperation, type OperationJson, type OperationQuery } from "../client";
import { useApiClient } from "../context";
import { queryKeysFactory } from "./keys";

export type PaymentsPage = OperationJson<"listPayments">;
export type PaymentsQuery = OperationQuery<"listPayments">;

export const paymentKeys = queryKeysFactory("payments");

/** Whether the API has the payments listing yet. */
export const hasPayments = hasOperation("listPayments");

export function usePayments(query: Record<string, string | number | undefined>) {
  const client = useApiClient();
  return useQuery({
    queryKey: paymentKeys.list(query),
    queryFn: () =>
      callOperation(client, "listPayments", {
        query: Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== "")),
      }) as Promise<PaymentsPage>,
    enabled: hasPayments,
    placeholderData: keepPreviousData,
  });
}
