/** The shop settings: whether prices include tax, and how paid orders are fulfilled. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type OperationBody } from "../client";
import { useApiClient } from "../context";
import type { components } from "../generated/openapi";

export type ShopSettings = components["schemas"]["ShopSettings"];
export type FulfilmentMode = components["schemas"]["FulfilmentMode"];
/** The new settings with the `version` they were read at (409 `settings_changed` when someone saved since). */
export type ShopSettingsRequest = OperationBody<"updateShopSettings">;

export const settingsKeys = { all: ["settings"] as const };

export function useShopSettings() {
  const client = useApiClient();
  return useQuery({
    queryKey: settingsKeys.all,
    queryFn: () => unwrap(client.GET("/admin/settings")),
  });
}

export function useUpdateShopSettings() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ShopSettingsRequest) => unwrap(client.PUT("/admin/settings", { body })),
    onSuccess: (saved) => queryClient.setQueryData(settingsKeys.all, saved),
  });
}
