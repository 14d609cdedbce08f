// @vitest-environment jsdom
import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { json, setup } from "./support";
import {
  customerErasureKeys,
  erasureProgressed,
  hasPendingDelivery,
  orderKeys,
  useCustomerErasure,
  useEraseCustomer,
  useRedeliverWebhook,
  useRotateWebhookSecret,
  webhookDeliveryKeys,
  webhookKeys,
  type CustomerErasure,
  type WebhookDeliveryPage,
} from "../src";

const webhookId = "3f0c5a8e-1d2b-4c3a-9e8f-0a1b2c3d4e5f";
const erasure: CustomerErasure = {
  customerSub: "bob",
  status: "PENDING",
  source: "ADMIN",
  requestedAt: "2026-11-30T12:00:00.000Z",
  updatedAt: "2026-11-30T12:00:00.000Z",
  completedAt: null,
  ordersErased: 0,
  ordersWaiting: 1,
};

describe("the webhook hooks", () => {
  it("poll the deliveries only while one is pending", () => {
    const page = (status: "PENDING" | "DELIVERED"): WebhookDeliveryPage => ({
      items: [
        {
          deliveryId: "0".repeat(32),
          webhookId,
          eventId: "e",
          eventType: "StockAdjusted",
          status,
          attempts: [],
          createdAt: "",
          updatedAt: "",
          nextAttemptAt: null,
          payloadErased: false,
        },
      ],
      nextCursor: null,
    });
    expect(hasPendingDelivery([page("DELIVERED")])).toBe(false);
    expect(hasPendingDelivery([page("DELIVERED"), page("PENDING")])).toBe(true);
    expect(hasPendingDelivery(undefined)).toBe(false);
  });

  it("read the deliveries and the subscription again after a redelivery", async () => {
    const { queryClient, wrapper } = setup(() => json(202, { deliveryId: "0".repeat(32), status: "PENDING" }));
    const invalidate = vi.spyOn(queryClient, "invalidateQueries");
    const { result } = renderHook(() => useRedeliverWebhook(webhookId), { wrapper });
    await act(() => result.current.mutateAsync("0".repeat(32)));
    const keys = invalidate.mock.calls.map(([filters]) => filters?.queryKey);
    expect(keys).toContainEqual(webhookDeliveryKeys.detail(webhookId));
    expect(keys).toContainEqual(webhookKeys.detail(webhookId));
    expect(keys).toContainEqual(webhookKeys.lists());
  });

  it("never keep a rotated secret in the cache", async () => {
    const { queryClient, wrapper } = setup(() =>
      json(200, { webhookId, url: "https://x.example", state: "ACTIVE", secret: "whsec_AAAA", previousSecretExpiresAt: "2026-12-01T12:00:00.000Z" }),
    );
    const { result } = renderHook(() => useRotateWebhookSecret(webhookId), { wrapper });
    const answer = await act(() => result.current.mutateAsync());
    expect(answer.secret).toBe("whsec_AAAA");
    expect(queryClient.getQueryData(webhookKeys.detail(webhookId))).not.toHaveProperty("secret");
  });
});

describe("the customer erasure hooks", () => {
  it("answer null when no erasure was asked for (the service's 404)", async () => {
    const { wrapper } = setup(() => json(404, { error: { code: "not_found", message: "erasure not found" } }));
    const { result } = renderHook(() => useCustomerErasure("bob"), { wrapper });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data).toBeNull();
  });

  it("fail on anything else", async () => {
    const { wrapper } = setup(() => json(403, { error: { code: "forbidden", message: "admins only" } }));
    const { result } = renderHook(() => useCustomerErasure("bob"), { wrapper });
    await waitFor(() => expect(result.current.isError).toBe(true));
  });

  it("tell when a pass erased orders or the erasure completed", () => {
    expect(erasureProgressed(erasure, { ...erasure })).toBe(false);
    expect(erasureProgressed(erasure, { ...erasure, ordersErased: 1 })).toBe(true);
    expect(erasureProgressed(erasure, { ...erasure, status: "COMPLETE" })).toBe(true);
    expect(erasureProgressed(undefined, erasure)).toBe(false);
  });

  it("keep the answer of the request and make the orders stale", async () => {
    const { queryClient, wrapper } = setup(() => json(202, erasure));
    const invalidate = vi.spyOn(queryClient, "invalidateQueries");
    const { result } = renderHook(() => useEraseCustomer("bob"), { wrapper });
    await act(() => result.current.mutateAsync());
    expect(queryClient.getQueryData(customerErasureKeys.detail("bob"))).toEqual(erasure);
    expect(invalidate.mock.calls.map(([filters]) => filters?.queryKey)).toContainEqual(orderKeys.all);
  });
});
