/** How a webhook delivery and its attempts read in the deliveries table. */
import type { WebhookAttempt, WebhookDelivery, WebhookState } from "@order-service/api";

/** A duration in milliseconds: "85 ms", "1.2 s", "12 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1_000;
  return seconds < 10 ? `${seconds.toFixed(1)} s` : `${Math.round(seconds)} s`;
}

/** Whether the receiver's answer counts as accepted (any 2xx, as the Standard Webhooks specification says). */
export function isAccepted(statusCode: number | null): boolean {
  return statusCode !== null && statusCode >= 200 && statusCode < 300;
}

/**
 * What one attempt came to: the receiver's HTTP status ("HTTP 200"), or why
 * no answer came ("No answer: timed out").
 */
export function attemptOutcome(attempt: Pick<WebhookAttempt, "statusCode" | "error">): string {
  const error = attempt.error?.trim();
  if (attempt.statusCode !== null) return error ? `HTTP ${attempt.statusCode}: ${error}` : `HTTP ${attempt.statusCode}`;
  return error ? `No answer: ${error}` : "No answer";
}

/** The attempts in a word: "No attempts yet", "1 attempt", "4 attempts". */
export function attemptCount(attempts: readonly unknown[]): string {
  if (attempts.length === 0) return "No attempts yet";
  return attempts.length === 1 ? "1 attempt" : `${attempts.length} attempts`;
}

/** The last attempt (the list is oldest first), if any. */
export function lastAttempt(delivery: Pick<WebhookDelivery, "attempts">): WebhookAttempt | undefined {
  return delivery.attempts[delivery.attempts.length - 1];
}

/** The attempts column: how many, and how the last one ended ("2 attempts · last HTTP 503"). */
export function attemptsSummary(delivery: Pick<WebhookDelivery, "attempts">): string {
  const last = lastAttempt(delivery);
  if (!last) return attemptCount(delivery.attempts);
  return `${attemptCount(delivery.attempts)} · last ${attemptOutcome(last)}`;
}

/** What a subscription's state means for its deliveries. */
export function stateExplanation(state: WebhookState): string {
  switch (state) {
    case "ACTIVE":
      return "Events of the chosen types are delivered.";
    case "PAUSED":
      return "Paused: no events are delivered until it is active again.";
    case "FAILING":
      return "Failing: a delivery used up its retries. Deliveries continue; a delivery that succeeds, or activating it again, clears the mark.";
  }
}

/** The host (and port) of a subscription's URL, for headings; the URL itself when it does not parse. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}
