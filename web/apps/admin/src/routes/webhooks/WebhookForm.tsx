import {
  DomainEventTypeValues,
  isApiError,
  type DomainEventType,
  type UpdateWebhookRequest,
  type WebhookSubscription,
} from "@order-service/api";
import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useId, useRef } from "react";
import { useController, useForm, type Control, type UseFormSetError } from "react-hook-form";
import { z } from "zod";
import { applyServerError, Field } from "@order-service/ui";
import { FormError } from "../../components/states";
import { EVENT_TYPE_DESCRIPTIONS, EVENT_TYPES } from "./eventTypes";

/** Whether a URL is absolute http(s) with a host: the service decides the rest (https, public addresses). */
function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.host !== "";
  } catch {
    return false;
  }
}

export const webhookSchema = z.object({
  url: z
    .string()
    .trim()
    .min(1, "Enter the URL the events are sent to")
    .max(2048, "At most 2048 characters")
    .refine(isWebUrl, "Enter a full URL, like https://hooks.example.com/orders"),
  description: z.string().trim().max(200, "At most 200 characters"),
  eventTypes: z.array(z.enum(DomainEventTypeValues)).min(1, "Choose at least one event type"),
});

/** The form's values, as typed. */
export type WebhookValues = z.input<typeof webhookSchema>;
/** The form's values, checked and trimmed. */
export type WebhookFields = z.output<typeof webhookSchema>;

export const emptyWebhook: WebhookValues = { url: "", description: "", eventTypes: [] };

export function toWebhookValues(subscription: WebhookSubscription): WebhookValues {
  return { url: subscription.url, description: subscription.description, eventTypes: [...subscription.eventTypes] };
}

/**
 * What changed from the saved subscription, as a PATCH body: only the fields
 * that differ (a URL sent is checked again, so an unchanged one is not sent),
 * or null when nothing did.
 */
export function webhookChanges(saved: WebhookSubscription, fields: WebhookFields): UpdateWebhookRequest | null {
  const changes: UpdateWebhookRequest = {};
  if (fields.url !== saved.url) changes.url = fields.url;
  if (fields.description !== saved.description) changes.description = fields.description;
  const sameTypes =
    fields.eventTypes.length === saved.eventTypes.length && fields.eventTypes.every((t) => saved.eventTypes.includes(t));
  if (!sameTypes) changes.eventTypes = EVENT_TYPES.filter((t) => fields.eventTypes.includes(t));
  return Object.keys(changes).length > 0 ? changes : null;
}

/**
 * The service's refusal on the field it concerns: `webhook_url_refused`
 * (422: not https, does not resolve, a private or loopback address) and an
 * `invalid_field` naming a field go beside it. False when it names none.
 */
export function applyWebhookServerError(error: unknown, setError: UseFormSetError<WebhookValues>): boolean {
  if (isApiError(error) && error.code === "webhook_url_refused") {
    setError("url", { type: "server", message: error.message }, { shouldFocus: true });
    return true;
  }
  return applyServerError(error, setError, { url: "url", description: "description", eventTypes: "eventTypes" });
}

export function WebhookForm({
  defaultValues,
  submitLabel,
  pendingLabel = "Saving…",
  onSubmit,
  error,
  pending,
  label,
}: {
  defaultValues: WebhookValues;
  submitLabel: string;
  pendingLabel?: string;
  /** Called with the checked values and what to do with the service's refusal. */
  onSubmit: (fields: WebhookFields, onError: (error: unknown) => void) => void;
  error: unknown;
  pending: boolean;
  /** The form's accessible name. */
  label: string;
}) {
  const form = useForm<WebhookValues, unknown, WebhookFields>({ resolver: zodResolver(webhookSchema), defaultValues });
  const errors = form.formState.errors;
  const submit = form.handleSubmit((fields) => onSubmit(fields, (e) => applyWebhookServerError(e, form.setError)));
  return (
    <form className="stack form-grid" onSubmit={submit} noValidate aria-label={label}>
      <Field
        label="URL"
        error={errors.url}
        hint="Where each event is POSTed. It must be https, and its host must resolve to public addresses only."
      >
        {(props) => (
          <input
            {...props}
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://hooks.example.com/orders"
            {...form.register("url")}
          />
        )}
      </Field>
      <Field label="Description" error={errors.description} hint="Optional: what receives the events, for the people who read this list.">
        {(props) => <input {...props} maxLength={200} {...form.register("description")} />}
      </Field>
      <EventTypePicker control={form.control} />
      {Object.keys(errors).length === 0 && <FormError error={error} />}
      <div>
        <button type="submit" className="button primary" disabled={pending}>
          {pending ? pendingLabel : submitLabel}
        </button>
      </div>
    </form>
  );
}

/** The event types as checkboxes, with one that selects (or clears) them all. */
function EventTypePicker({ control }: { control: Control<WebhookValues, unknown, WebhookFields> }) {
  const { field, fieldState } = useController({ control, name: "eventTypes" });
  const chosen = field.value;
  const all = EVENT_TYPES.every((t) => chosen.includes(t));
  const some = !all && chosen.length > 0;
  const allRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const errorId = `${id}-error`;
  useEffect(() => {
    if (allRef.current) allRef.current.indeterminate = some;
  }, [some]);

  const toggle = (type: DomainEventType, checked: boolean) => {
    const next = checked ? [...chosen, type] : chosen.filter((t) => t !== type);
    // Kept in the contract's order.
    field.onChange(EVENT_TYPES.filter((t) => next.includes(t)));
  };

  return (
    <fieldset className="event-types" aria-describedby={fieldState.error ? errorId : undefined}>
      <legend>Event types</legend>
      <div className="field field-check select-all">
        <input
          ref={allRef}
          id={`${id}-all`}
          type="checkbox"
          checked={all}
          onChange={(e) => field.onChange(e.target.checked ? [...EVENT_TYPES] : [])}
          onBlur={field.onBlur}
        />
        <label htmlFor={`${id}-all`}>Select all</label>
      </div>
      <ul className="event-type-list">
        {EVENT_TYPES.map((type, index) => (
          <li key={type} className="event-type">
            <input
              ref={index === 0 ? field.ref : undefined}
              id={`${id}-${type}`}
              type="checkbox"
              name={field.name}
              value={type}
              checked={chosen.includes(type)}
              onChange={(e) => toggle(type, e.target.checked)}
              onBlur={field.onBlur}
              aria-describedby={`${id}-${type}-hint`}
            />
            <div>
              <label htmlFor={`${id}-${type}`}>
                <code>{type}</code>
              </label>
              <p id={`${id}-${type}-hint`} className="hint">
                {EVENT_TYPE_DESCRIPTIONS[type]}
              </p>
            </div>
          </li>
        ))}
      </ul>
      {fieldState.error?.message && (
        <p id={errorId} className="field-error">
          {fieldState.error.message}
        </p>
      )}
    </fieldset>
  );
}
