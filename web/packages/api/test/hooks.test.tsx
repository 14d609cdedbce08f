// @vitest-environment jsdom
import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { json, setup } from "./support";
import { orderKeys, returnKeys, useCancelOrder, useOrders } from "../src";

describe("the order hooks", () => {
  it("key each list by its filters", () => {
    expect(orderKeys.list({ status: "PAID" })).toEqual(["orders", "list", { status: "PAID" }]);
    expect(orderKeys.detail("o-1")).toEqual(["orders", "detail", "o-1", {}]);
  });

  it("load a page of orders with the filters the contract has", async () => {
    const urls: string[] = [];
    const { wrapper } = setup((request) => {
      urls.push(request.url);
      return json(200, { items: [], nextCursor: null });
    });
    const { result } = renderHook(() => useOrders({ status: "PAID", limit: 20 }), { wrapper });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(urls[0]).toBe("http://api.test/admin/orders?status=PAID&limit=20");
  });

  it("invalidate the order's detail, the order lists and the returns after a cancel", async () => {
    const { queryClient, wrapper } = setup(() => json(200, { orderId: "o-1", status: "CANCELLED" }));
    const invalidate = vi.spyOn(queryClient, "invalidateQueries");
    const { result } = renderHook(() => useCancelOrder("o-1"), { wrapper });
    await act(() => result.current.mutateAsync("changed mind"));
    const keys = invalidate.mock.calls.map(([filters]) => filters?.queryKey);
    expect(keys).toContainEqual(orderKeys.detail("o-1"));
    expect(keys).toContainEqual(orderKeys.lists());
    expect(keys).toContainEqual(returnKeys.lists());
  });
});
