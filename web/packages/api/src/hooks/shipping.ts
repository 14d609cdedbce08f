/** Shipping options (list, create, edit, deactivate) and tax rates per destination (list, set, remove). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type OperationBody } from "../client";
import { useApiClient } from "../context";
import type { components } from "../generated/openapi";
import { queryKeysFactory } from "./keys";

export type ShippingOption = components["schemas"]["ShippingOption"];
export type ShippingRate = components["schemas"]["ShippingRate"];
export type WeightBand = components["schemas"]["WeightBand"];
/** An option's terms as sent on create and on edit (the same body for both). */
export type ShippingOptionInput = OperationBody<"createShippingOption">;
export type TaxRate = components["schemas"]["TaxRate"];
export type TaxRateInput = OperationBody<"putTaxRate">;

export const shippingOptionKeys = queryKeysFactory("shipping-options");
export const taxRateKeys = queryKeysFactory("tax-rates");

/** Every option, active ones first, by name (the API does not page them). */
export function useShippingOptions() {
  const client = useApiClient();
  return useQuery({
    queryKey: shippingOptionKeys.list(),
    queryFn: () => unwrap(client.GET("/admin/shipping-options")),
  });
}

export function useShippingOption(optionId: string) {
  const client = useApiClient();
  return useQuery({
    queryKey: shippingOptionKeys.detail(optionId),
    queryFn: () => unwrap(client.GET("/admin/shipping-options/{optionId}", { params: { path: { optionId } } })),
  });
}

function useInvalidateShippingOption() {
  const queryClient = useQueryClient();
  return async (optionId: string) => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: shippingOptionKeys.lists() }),
      queryClient.invalidateQueries({ queryKey: shippingOptionKeys.detail(optionId) }),
    ]);
  };
}

export function useCreateShippingOption() {
  const client = useApiClient();
  const invalidate = useInvalidateShippingOption();
  return useMutation({
    mutationFn: (body: ShippingOptionInput) => unwrap(client.POST("/admin/shipping-options", { body })),
    onSuccess: (option) => invalidate(option.optionId),
  });
}

export function useUpdateShippingOption(optionId: string) {
  const client = useApiClient();
  const invalidate = useInvalidateShippingOption();
  return useMutation({
    mutationFn: (body: ShippingOptionInput) =>
      unwrap(client.PUT("/admin/shipping-options/{optionId}", { params: { path: { optionId } }, body })),
    onSuccess: () => invalidate(optionId),
  });
}

/** Carts stop listing the option; orders placed with it keep it. */
export function useDeactivateShippingOption(optionId: string) {
  const client = useApiClient();
  const invalidate = useInvalidateShippingOption();
  return useMutation({
    mutationFn: () => unwrap(client.DELETE("/admin/shipping-options/{optionId}", { params: { path: { optionId } } })),
    onSuccess: () => invalidate(optionId),
  });
}

/** Every rate, by destination (`US`, `US-IL`). */
export function useTaxRates() {
  const client = useApiClient();
  return useQuery({
    queryKey: taxRateKeys.list(),
    queryFn: () => unwrap(client.GET("/admin/tax-rates")),
  });
}

/** Creates or replaces the rate of a destination: `rateId` is `US` or `US-IL`. */
export function usePutTaxRate() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ rateId, body }: { rateId: string; body: TaxRateInput }) =>
      unwrap(client.PUT("/admin/tax-rates/{rateId}", { params: { path: { rateId } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: taxRateKeys.lists() }),
  });
}

export function useDeleteTaxRate() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (rateId: string) => unwrap(client.DELETE("/admin/tax-rates/{rateId}", { params: { path: { rateId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: taxRateKeys.lists() }),
  });
}
