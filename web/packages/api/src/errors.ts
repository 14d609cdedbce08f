/**
 * One error type for every way a request can fail: the service's own
 * `{"error": {"code", "message", "details"?}}`, API Gateway's
 * `{"message": "Unauthorized"}` / `{"message": "Not Found"}`, a body that is
 * neither, and a network failure.
 */
import type { components } from "./generated/openapi";

/** The codes the contract lists, plus those this client adds for what is not the service's answer. */
export type ApiErrorCode =
  | components["schemas"]["Error"]["error"]["code"]
  | "network"
  | "unexpected_response"
  // Codes the service answers that the contract's enum does not list yet.
  | (string & {});

export class ApiError extends Error {
  override readonly name = "ApiError";
  /** The HTTP status, 0 when the service could not be reached. */
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly details: Record<string, unknown> | undefined;
  /** For `invalid_field`: the field the message names (`price.amount`), and the rule it broke. */
  readonly field: string | undefined;
  readonly rule: string | undefined;

  constructor(init: {
    status: number;
    code: ApiErrorCode;
    message: string;
    details?: Record<string, unknown> | undefined;
  }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    const named = init.code === "invalid_field" ? splitFieldMessage(init.message) : undefined;
    this.field = named?.field;
    this.rule = named?.rule;
  }

  /** True for API Gateway's 401 and the service's `unauthorized`: the sign-in has ended. */
  get isUnauthorized(): boolean {
    return this.status === 401;
  }
}

/** `"price.currency: must be the shop's currency USD"` → field `price.currency`, rule `must be …`. */
export function splitFieldMessage(message: string): { field: string; rule: string } | undefined {
  const match = /^([A-Za-z0-9_.[\]]+):\s*(.+)$/s.exec(message);
  if (!match?.[1] || !match[2]) return undefined;
  return { field: match[1], rule: match[2] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The ApiError for a response that was not a success, from its status and (parsed) body. */
export function toApiError(status: number, body: unknown): ApiError {
  if (isObject(body) && isObject(body.error) && typeof body.error.code === "string") {
    const { code, message, details } = body.error;
    return new ApiError({
      status,
      code,
      message: typeof message === "string" && message !== "" ? message : code,
      details: isObject(details) ? details : undefined,
    });
  }
  if (isObject(body) && typeof body.message === "string") {
    // API Gateway's own answer.
    const code = status === 401 ? "unauthorized" : status === 403 ? "forbidden" : status === 404 ? "not_found" : "unexpected_response";
    return new ApiError({ status, code, message: body.message });
  }
  return new ApiError({
    status,
    code: status === 401 ? "unauthorized" : "unexpected_response",
    message: `The service answered ${status}${typeof body === "string" && body.trim() !== "" ? `: ${body.trim().slice(0, 200)}` : ""}`,
  });
}

/** The ApiError for a request that never got an answer. */
export function networkError(cause: unknown): ApiError {
  const error = new ApiError({
    status: 0,
    code: "network",
    message: "The service could not be reached. Check your connection and try again.",
  });
  (error as { cause?: unknown }).cause = cause;
  return error;
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}
