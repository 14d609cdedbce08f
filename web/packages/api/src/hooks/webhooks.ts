/**
 * Outbound webhook subscriptions: list, create (the answer carries the signing
 * secret, once), change, pause or resume, rotate the secret, delete, and each
 * subscription's deliveries (cursor paged, newest first) with redelivery.
 */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type OperationBody, type OperationJson } from "../client";
import { useApiClient } from "../context";
import type { components } from "../generated/openapi";
import { queryKeysFactory } from "./keys";

export type WebhookSubscription = components["schemas"]["WebhookSubscription"];
/** A subscription with its signing secret: only the answers of create and rotate-secret carry it. */
export type WebhookSubscriptionWithSecret = components["schemas"]["WebhookSubscriptionWithSecret"];
export type WebhookState = WebhookSubscription["state"];
export type DomainEventType = components["schemas"]["DomainEventType"];
export type WebhookDelivery = components["schemas"]["WebhookDelivery"];
export type WebhookDeliveryStatus = WebhookDelivery["status"];
export type WebhookAttempt = components["schemas"]["WebhookAttempt"];
export type WebhookDeliveryPage = OperationJson<"listWebhookDeliveries">;
export type CreateWebhookRequest = OperationBody<"createWebhook">;
/** The fields to change (at least one); a new URL is checked as at creation, `active: true` clears FAILING. */
export type UpdateWebhookRequest = OperationBody<"updateWebhook">;

export const webhookKeys = queryKeysFactory("webhooks");
/** A subscription's deliveries: `detail(webhookId, query)` holds its loaded pages. */
export const webhookDeliveryKeys = queryKeysFactory("webhook-deliveries");

export function useWebhooks() {
  const client = useApiClient();
  return useQuery({
    queryKey: webhookKeys.list(),
    queryFn: () => unwrap(client.GET("/admin/webhooks")),
  });
}

export function useWebhook(webhookId: string) {
  const client = useApiClient();
  return useQuery({
    queryKey: webhookKeys.detail(webhookId),
    queryFn: () => unwrap(client.GET("/admin/webhooks/{webhookId}", { params: { path: { webhookId } } })),
    retry: false,
  });
}

/** What a change to a subscription makes stale: its detail and the list (its state badge). */
function useInvalidateWebhook() {
  const queryClient = useQueryClient();
  return async (webhookId: string) => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: webhookKeys.lists() }),
      queryClient.invalidateQueries({ queryKey: webhookKeys.detail(webhookId) }),
    ]);
  };
}

/** Creates a subscription; the answer holds the signing secret, which is never shown again. */
export function useCreateWebhook() {
  const client = useApiClient();
  const invalidate = useInvalidateWebhook();
  return useMutation({
    mutationFn: (body: CreateWebhookRequest) => unwrap(client.POST("/admin/webhooks", { body })),
    onSuccess: (created) => invalidate(created.webhookId),
  });
}

export function useUpdateWebhook(webhookId: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const invalidate = useInvalidateWebhook();
  return useMutation({
    mutationFn: (body: UpdateWebhookRequest) =>
      unwrap(client.PATCH("/admin/webhooks/{webhookId}", { params: { path: { webhookId } }, body })),
    onSuccess: async (saved) => {
      queryClient.setQueryData(webhookKeys.detail(webhookId), saved);
      await invalidate(webhookId);
    },
  });
}

/** Issues a new secret (in this answer only); the old one keeps signing until `previousSecretExpiresAt`. */
export function useRotateWebhookSecret(webhookId: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const invalidate = useInvalidateWebhook();
  return useMutation({
    mutationFn: () =>
      unwrap(client.POST("/admin/webhooks/{webhookId}/rotate-secret", { params: { path: { webhookId } } })),
    onSuccess: async (rotated) => {
      // The cache keeps the subscription, never its secret.
      const { secret: _secret, ...subscription } = rotated;
      queryClient.setQueryData(webhookKeys.detail(webhookId), subscription);
      await invalidate(webhookId);
    },
  });
}

export function useDeleteWebhook(webhookId: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(client.DELETE("/admin/webhooks/{webhookId}", { params: { path: { webhookId } } })),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: webhookKeys.detail(webhookId) });
      queryClient.removeQueries({ queryKey: webhookDeliveryKeys.detail(webhookId) });
      await queryClient.invalidateQueries({ queryKey: webhookKeys.lists() });
    },
  });
}

/** Whether any loaded delivery is still waiting for an attempt (the list then refreshes itself). */
export function hasPendingDelivery(pages: readonly WebhookDeliveryPage[] | undefined): boolean {
  return (pages ?? []).some((page) => page.items.some((d) => d.status === "PENDING"));
}

/**
 * A subscription's deliveries, newest first, a page at a time ("Load more"
 * fetches the next with its cursor). While a delivery is PENDING the loaded
 * pages are read again every `pollMs`, so its attempts appear as they happen.
 */
export function useWebhookDeliveries(webhookId: string, { limit = 20, pollMs = 2_000 }: { limit?: number; pollMs?: number } = {}) {
  const client = useApiClient();
  return useInfiniteQuery({
    queryKey: webhookDeliveryKeys.detail(webhookId, { limit }),
    queryFn: ({ pageParam }) =>
      unwrap(
        client.GET("/admin/webhooks/{webhookId}/deliveries", {
          params: { path: { webhookId }, query: { limit, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (query) => (hasPendingDelivery(query.state.data?.pages) ? pollMs : false),
  });
}

/**
 * Queues one more attempt of a delivery, with the same `webhook-id` (409
 * `payload_erased` when the event named a customer since erased), then reads
 * the deliveries again.
 */
export function useRedeliverWebhook(webhookId: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) =>
      unwrap(
        client.POST("/admin/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver", {
          params: { path: { webhookId, deliveryId } },
        }),
      ),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: webhookDeliveryKeys.detail(webhookId) }),
        queryClient.invalidateQueries({ queryKey: webhookKeys.detail(webhookId) }),
        queryClient.invalidateQueries({ queryKey: webhookKeys.lists() }),
      ]);
    },
  });
}
