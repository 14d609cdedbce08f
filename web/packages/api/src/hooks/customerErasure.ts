/**
 * Erasure of a customer's personal data: ask for it, and follow it while it
 * is PENDING (orders still in progress are erased as they end). Each pass
 * that erases orders makes the orders stale, so they are read again.
 */
import { useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { unwrap } from "../client";
import { useApiClient } from "../context";
import { isApiError } from "../errors";
import type { components } from "../generated/openapi";
import { queryKeysFactory } from "./keys";
import { orderKeys } from "./orders";
import { webhookDeliveryKeys } from "./webhooks";

export type CustomerErasure = components["schemas"]["CustomerErasure"];

export const customerErasureKeys = queryKeysFactory("customer-erasures");

/** What an erasure pass changes: the orders (names, addresses, `erasedAt`) and the webhook deliveries' payloads. */
async function invalidateErased(queryClient: QueryClient) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: orderKeys.all }),
    queryClient.invalidateQueries({ queryKey: webhookDeliveryKeys.all }),
  ]);
}

/** Whether the erasure moved on between two readings (a pass erased orders, or it completed). */
export function erasureProgressed(before: CustomerErasure | null | undefined, after: CustomerErasure | null): boolean {
  if (!before || !after) return false;
  return before.status !== after.status || before.ordersErased !== after.ordersErased;
}

/**
 * Where the customer's erasure stands: `null` when none was asked for (the
 * service's 404). Read again every `pollMs` while PENDING.
 */
export function useCustomerErasure(customerSub: string, { pollMs = 1_500 }: { pollMs?: number } = {}) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const queryKey = customerErasureKeys.detail(customerSub);
  return useQuery({
    queryKey,
    queryFn: async (): Promise<CustomerErasure | null> => {
      let erasure: CustomerErasure | null;
      try {
        erasure = await unwrap(
          client.GET("/admin/customers/{customerSub}/erasure", { params: { path: { customerSub } } }),
        );
      } catch (error) {
        if (isApiError(error) && error.status === 404) erasure = null;
        else throw error;
      }
      if (erasureProgressed(queryClient.getQueryData<CustomerErasure | null>(queryKey), erasure)) {
        void invalidateErased(queryClient);
      }
      return erasure;
    },
    refetchInterval: (query) => (query.state.data?.status === "PENDING" ? pollMs : false),
  });
}

/** Asks for the erasure (asking again is harmless); the answer is where it stands. */
export function useEraseCustomer(customerSub: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(client.POST("/admin/customers/{customerSub}/erase", { params: { path: { customerSub } } })),
    onSuccess: async (erasure) => {
      queryClient.setQueryData(customerErasureKeys.detail(customerSub), erasure);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: customerErasureKeys.detail(customerSub) }),
        invalidateErased(queryClient),
      ]);
    },
  });
}
