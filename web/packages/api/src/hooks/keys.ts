/**
 * Query keys per resource, after Medusa's `queryKeysFactory`: a mutation
 * invalidates `lists()` and `detail(id)` (or `details()`) of what it changed.
 */
export function queryKeysFactory<const Resource extends string>(resource: Resource) {
  const all = [resource] as const;
  return {
    all,
    lists: () => [resource, "list"] as const,
    list: (query: object = {}) => [resource, "list", query] as const,
    details: () => [resource, "detail"] as const,
    detail: (id: string, query: object = {}) => [resource, "detail", id, query] as const,
  };
}

/** Pages are addressed by the opaque cursor of the page before (undefined for the first). */
export type PageQuery = { limit?: number; cursor?: string };
