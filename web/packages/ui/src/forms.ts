/**
 * The service's validation errors beside the field they concern: an
 * `invalid_field` error names its field (`"price.amount: must be …"`), which
 * maps to one of the form's fields; anything else stays a form-level error.
 */
import { isApiError } from "@order-service/api";
import type { FieldValues, Path, UseFormSetError } from "react-hook-form";

/**
 * Puts a server error on its field and answers true, or answers false when
 * it names no field of this form (show it above the submit button then).
 * `fields` maps the API's field names (or their first segment) to the form's.
 */
export function applyServerError<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: Record<string, Path<T>>,
): boolean {
  if (!isApiError(error) || error.code !== "invalid_field" || !error.field) return false;
  const target = fields[error.field] ?? fields[error.field.split(".")[0] ?? ""];
  if (!target) return false;
  setError(target, { type: "server", message: error.rule ?? error.message }, { shouldFocus: true });
  return true;
}
