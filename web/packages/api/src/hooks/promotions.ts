/** Promotion codes: list with usage, create, edit, deactivate. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type OperationBody } from "../client";
import { useApiClient } from "../context";
import type { components } from "../generated/openapi";
import { queryKeysFactory, type PageQuery } from "./keys";

export type Promotion = components["schemas"]["Promotion"];
/** A new promotion's terms: `code` is required, and the discount is PERCENTAGE with `percentOff` or FIXED_AMOUNT with `amountOff`. */
export type CreatePromotionRequest = OperationBody<"createPromotion">;
/** A promotion's new terms (`code`, if sent, must equal the path's). */
export type PromotionInput = OperationBody<"updatePromotion">;

export const promotionKeys = queryKeysFactory("promotions");

export function usePromotions(query: PageQuery = {}) {
  const client = useApiClient();
  return useQuery({
    queryKey: promotionKeys.list(query),
    queryFn: () => unwrap(client.GET("/admin/promotions", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function usePromotion(code: string) {
  const client = useApiClient();
  return useQuery({
    queryKey: promotionKeys.detail(code),
    queryFn: () => unwrap(client.GET("/admin/promotions/{code}", { params: { path: { code } } })),
  });
}

function useInvalidatePromotion() {
  const queryClient = useQueryClient();
  return async (code: string) => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: promotionKeys.lists() }),
      queryClient.invalidateQueries({ queryKey: promotionKeys.detail(code) }),
    ]);
  };
}

export function useCreatePromotion() {
  const client = useApiClient();
  const invalidate = useInvalidatePromotion();
  return useMutation({
    mutationFn: (body: CreatePromotionRequest) => unwrap(client.POST("/admin/promotions", { body })),
    onSuccess: (promotion) => invalidate(promotion.code),
  });
}

export function useUpdatePromotion(code: string) {
  const client = useApiClient();
  const invalidate = useInvalidatePromotion();
  return useMutation({
    mutationFn: (body: PromotionInput) =>
      unwrap(client.PUT("/admin/promotions/{code}", { params: { path: { code } }, body })),
    onSuccess: () => invalidate(code),
  });
}

export function useDeactivatePromotion(code: string) {
  const client = useApiClient();
  const invalidate = useInvalidatePromotion();
  return useMutation({
    mutationFn: () => unwrap(client.DELETE("/admin/promotions/{code}", { params: { path: { code } } })),
    onSuccess: () => invalidate(code),
  });
}
