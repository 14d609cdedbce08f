/** Every capture, decline and refund across orders. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { unwrap, type OperationJson, type OperationQuery } from "../client";
import { useApiClient } from "../context";
import type { components } from "../generated/openapi";
import { queryKeysFactory } from "./keys";

export type PaymentEvent = components["schemas"]["PaymentEvent"];
export type PaymentsPage = OperationJson<"listPayments">;
export type PaymentsQuery = OperationQuery<"listPayments">;

export const paymentKeys = queryKeysFactory("payments");

export function usePayments(query: PaymentsQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: paymentKeys.list(query),
    queryFn: () => unwrap(client.GET("/admin/payments", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}
