import {
  isApiError,
  useRedeliverWebhook,
  useWebhookDeliveries,
  type WebhookAttempt,
  type WebhookDelivery,
} from "@order-service/api";
import { useId, useState } from "react";
import { StatusBadge } from "../../components/StatusBadge";
import { Empty, ErrorState, ErrorText, Loading } from "../../components/states";
import { formatDateTimeSeconds } from "../../lib/format";
import { attemptCount, attemptOutcome, attemptsSummary, formatDuration, isAccepted } from "./deliveries";

const COLUMNS = 6;

/**
 * A subscription's recent deliveries, newest first: each with its attempts
 * (shown on request), redelivery, and "Load more" for older ones. Deliveries
 * still PENDING are read again until they settle.
 */
export function WebhookDeliveries({ webhookId }: { webhookId: string }) {
  const deliveries = useWebhookDeliveries(webhookId);
  if (deliveries.isPending) return <Loading label="Loading deliveries…" />;
  if (deliveries.isError)
    return <ErrorState title="The deliveries could not be loaded." error={deliveries.error} retry={() => void deliveries.refetch()} />;
  const items = deliveries.data.pages.flatMap((page) => page.items);
  return (
    <>
      <div className="row spread deliveries-toolbar">
        <p className="muted small">Deliveries are kept for 30 days. Each keeps its most recent 20 attempts.</p>
        <button type="button" className="button small" onClick={() => void deliveries.refetch()} disabled={deliveries.isFetching}>
          {deliveries.isFetching ? "Refreshing…" : "Refresh"}
        </button>
      </div>
      {items.length === 0 ? (
        <Empty>No deliveries yet. Each event of the chosen types appears here as it is sent.</Empty>
      ) : (
        <div className="table-wrap" role="region" aria-label="Recent deliveries" tabIndex={0}>
          <table className="data-table deliveries">
            <caption className="visually-hidden">Recent deliveries</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Created</th>
                <th scope="col">Next attempt</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            {items.map((delivery) => (
              <DeliveryRows key={delivery.deliveryId} webhookId={webhookId} delivery={delivery} />
            ))}
          </table>
        </div>
      )}
      {deliveries.hasNextPage && (
        <p className="pager">
          <button
            type="button"
            className="button small"
            onClick={() => void deliveries.fetchNextPage()}
            disabled={deliveries.isFetchingNextPage}
          >
            {deliveries.isFetchingNextPage ? "Loading…" : "Load more deliveries"}
          </button>
        </p>
      )}
    </>
  );
}

/** One delivery: its row, and under it (when opened) its attempts. A `tbody` each, so the pair stays together. */
function DeliveryRows({ webhookId, delivery }: { webhookId: string; delivery: WebhookDelivery }) {
  const redeliver = useRedeliverWebhook(webhookId);
  const [open, setOpen] = useState(false);
  const attemptsId = useId();
  const erased = delivery.payloadErased;
  return (
    <tbody className="delivery" data-delivery-id={delivery.deliveryId}>
      <tr>
        <td>
          <strong>{delivery.eventType}</strong>
          <code className="ref" title="Sent as webhook-id">
            {delivery.eventId}
          </code>
        </td>
        <td>
          <StatusBadge status={delivery.status} />
          {erased && <span className="note">Payload erased</span>}
        </td>
        <td>
          <AttemptsSummary delivery={delivery} />
        </td>
        <td className="nowrap">{formatDateTimeSeconds(delivery.createdAt)}</td>
        <td className="nowrap">{formatDateTimeSeconds(delivery.nextAttemptAt)}</td>
        <td>
          <div className="row-actions">
            <button
              type="button"
              className="button small"
              aria-expanded={open}
              aria-controls={open ? attemptsId : undefined}
              disabled={delivery.attempts.length === 0}
              onClick={() => setOpen(!open)}
            >
              {open ? "Hide attempts" : "Show attempts"}
            </button>
            <button
              type="button"
              className="button small"
              disabled={redeliver.isPending || erased}
              title={erased ? "The event named a customer whose personal data has since been erased" : undefined}
              onClick={() => redeliver.mutate(delivery.deliveryId)}
            >
              {redeliver.isPending ? "Queueing…" : "Redeliver"}
            </button>
          </div>
        </td>
      </tr>
      {(redeliver.isError || redeliver.isSuccess) && (
        <tr className="delivery-message">
          <td colSpan={COLUMNS}>
            {redeliver.isError ? (
              <div className="alert alert-error" role="alert">
                {isApiError(redeliver.error) && redeliver.error.code === "payload_erased" ? (
                  <>
                    <strong>This event cannot be sent again:</strong> it named a customer whose personal data has since been erased.{" "}
                    <span className="muted">
                      (<ErrorText error={redeliver.error} />)
                    </span>
                  </>
                ) : (
                  <>
                    <strong>The delivery was not queued again.</strong> <ErrorText error={redeliver.error} />
                  </>
                )}
              </div>
            ) : (
              <p className="alert alert-info" role="status">
                Queued again: the receiver gets the same <code>webhook-id</code> ({delivery.eventId}), so it can tell a repeat.
              </p>
            )}
          </td>
        </tr>
      )}
      {open && (
        <tr className="attempts-row" id={attemptsId}>
          <td colSpan={COLUMNS}>
            <AttemptsTable attempts={delivery.attempts} eventId={delivery.eventId} />
          </td>
        </tr>
      )}
    </tbody>
  );
}

function AttemptsSummary({ delivery }: { delivery: WebhookDelivery }) {
  const last = delivery.attempts[delivery.attempts.length - 1];
  if (!last) return <span className="muted">{attemptCount(delivery.attempts)}</span>;
  return (
    <span className={isAccepted(last.statusCode) ? undefined : "attempt-failed"} title={attemptsSummary(delivery)}>
      {attemptCount(delivery.attempts)}
      <span className="attempt-last">last {attemptOutcome(last)}</span>
    </span>
  );
}

/** Every attempt kept, oldest first. */
function AttemptsTable({ attempts, eventId }: { attempts: WebhookAttempt[]; eventId: string }) {
  return (
    <table className="data-table attempts">
      <caption>Attempts of event {eventId}</caption>
      <thead>
        <tr>
          <th scope="col" className="num">
            #
          </th>
          <th scope="col">Time</th>
          <th scope="col">Status code</th>
          <th scope="col">Error</th>
          <th scope="col" className="num">
            Duration
          </th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((attempt, index) => (
          <tr key={`${attempt.at}-${index}`}>
            <td className="num">{index + 1}</td>
            <td className="nowrap">{formatDateTimeSeconds(attempt.at)}</td>
            <td>{attempt.statusCode ?? <span className="muted">No answer</span>}</td>
            <td>{attempt.error ?? <span className="muted">—</span>}</td>
            <td className="num">{formatDuration(attempt.durationMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
