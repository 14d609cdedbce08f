/**
 * The one typed client of the Order Service API (openapi-fetch over the
 * generated `paths`): it adds the bearer token to every request, and
 * `unwrap` turns every failure into an ApiError.
 */
import createClient, { type Client, type RequestBodyOption } from "openapi-fetch";
import { ApiError, networkError, toApiError } from "./errors";
import type { operations as Operations, paths } from "./generated/openapi";
import { operations, type OperationId } from "./generated/operations";

export type ApiClient = Client<paths>;

export interface ApiClientOptions {
  /** The API's base URL, e.g. http://127.0.0.1:3000 (from config.json). */
  baseUrl: string;
  /** The bearer token to send (the user's ID token), read at each request. */
  getToken: () => string | null | undefined;
  fetch?: typeof globalThis.fetch;
}

export function createApiClient({ baseUrl, getToken, fetch }: ApiClientOptions): ApiClient {
  const client = createClient<paths>({
    baseUrl: baseUrl.replace(/\/+$/, ""),
    ...(fetch ? { fetch } : {}),
  });
  client.use({
    onRequest({ request }) {
      const token = getToken();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
  });
  return client;
}

/**
 * The data of a successful answer, or an ApiError: the service's error
 * shape, API Gateway's `{"message"}`, anything else, or no answer at all.
 */
export async function unwrap<T>(
  request: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await request;
  } catch (cause) {
    if (cause instanceof ApiError) throw cause;
    throw networkError(cause);
  }
  const { data, error, response } = result;
  if (!response.ok || error !== undefined) throw toApiError(response.status, error);
  return data as T;
}

/** Whether the generated contract has this operation (endpoints can arrive after a screen). */
export function hasOperation(id: string): id is OperationId {
  return Object.hasOwn(operations, id);
}

/** Whether the operation takes this query parameter in the generated contract. */
export function hasQueryParam(id: string, name: string): boolean {
  if (!hasOperation(id)) return false;
  return (operations[id].query as readonly string[]).includes(name);
}

/** The JSON body of an operation's answer, from the generated types; `never` while the contract lacks it. */
export type OperationJson<K extends string, Status extends number = 200> = K extends keyof Operations
  ? Operations[K]["responses"] extends infer R
    ? Status extends keyof R
      ? R[Status] extends { content: { "application/json": infer Body } }
        ? Body
        : never
      : never
    : never
  : never;

/** The query parameters of an operation, from the generated types; `never` while the contract lacks it. */
export type OperationQuery<K extends string> = K extends keyof Operations
  ? NonNullable<Operations[K]["parameters"]["query"]>
  : never;

/**
 * The JSON request body of an operation, from the generated types, exactly as
 * the client takes it (openapi-fetch's view of the body: a property the
 * contract allows only as `null`, like `amountOff` of a PERCENTAGE promotion,
 * is left out).
 */
export type OperationBody<K extends string> = K extends keyof Operations
  ? NonNullable<RequestBodyOption<Operations[K]>["body"]>
  : never;
