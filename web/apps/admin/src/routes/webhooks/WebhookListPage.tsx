import { useWebhooks, type WebhookSubscription } from "@order-service/api";
import { createColumnHelper } from "@tanstack/react-table";
import { Link, useLocation } from "react-router";
import { DataTable } from "../../components/DataTable";
import { StatusBadge } from "../../components/StatusBadge";
import { Empty, ErrorState, Loading, PageHeader } from "../../components/states";
import { formatDateTime } from "../../lib/format";
import { describeEventTypes } from "./eventTypes";

const column = createColumnHelper<WebhookSubscription>();
const columns = [
  column.accessor("url", {
    header: "URL",
    cell: (info) => (
      <Link className="webhook-url" to={`/webhooks/${info.row.original.webhookId}`}>
        {info.getValue()}
      </Link>
    ),
  }),
  column.accessor("description", { header: "Description", cell: (info) => info.getValue() || <span className="muted">—</span> }),
  column.accessor("eventTypes", { header: "Events", cell: (info) => describeEventTypes(info.getValue()) }),
  column.accessor("state", { header: "State", cell: (info) => <StatusBadge status={info.getValue()} /> }),
  column.accessor("createdAt", { header: "Created", cell: (info) => formatDateTime(info.getValue()) }),
];

/** What webhooks are and how their requests are signed: the empty list says it, and so does the new-webhook page. */
export function WebhooksExplained() {
  return (
    <>
      <p>
        A webhook sends the shop&apos;s events (an order placed, paid or shipped, stock adjusted, a customer erased…) to another
        system as they happen: each event is POSTed as JSON to the URL you choose, at least once. When the receiver does not
        answer 2xx it is tried again with growing delays, eight attempts over about 28 hours.
      </p>
      <p>
        Every request is signed as the{" "}
        <a href="https://www.standardwebhooks.com/" target="_blank" rel="noreferrer">
          Standard Webhooks specification<span className="visually-hidden"> (opens in a new tab)</span>
        </a>{" "}
        says, with three headers: <code>webhook-id</code> (the event&apos;s id, the same on every retry, so the receiver can
        ignore repeats), <code>webhook-timestamp</code> (seconds since 1970) and <code>webhook-signature</code>:{" "}
        <code>v1,</code> then the base64 HMAC-SHA256 of <code>id.timestamp.body</code> keyed by the subscription&apos;s secret.
      </p>
    </>
  );
}

export function Component() {
  const webhooks = useWebhooks();
  const notice = (useLocation().state as { notice?: string } | null)?.notice;
  return (
    <>
      <PageHeader title="Webhooks" description="The shop's events, sent to other systems as they happen.">
        <Link className="button primary" to="/webhooks/new">
          New webhook
        </Link>
      </PageHeader>
      {notice && (
        <p className="alert alert-success" role="status">
          {notice}
        </p>
      )}
      {webhooks.isPending ? (
        <Loading label="Loading webhooks…" />
      ) : webhooks.isError ? (
        <ErrorState title="The webhooks could not be loaded." error={webhooks.error} retry={() => void webhooks.refetch()} />
      ) : webhooks.data.items.length === 0 ? (
        <Empty as="div">
          <div className="empty-explained">
            <p>
              <strong>No webhooks yet.</strong>
            </p>
            <WebhooksExplained />
            <p>
              <Link className="button primary" to="/webhooks/new">
                Create the first webhook
              </Link>
            </p>
          </div>
        </Empty>
      ) : (
        <DataTable data={webhooks.data.items} columns={columns} caption="Webhook subscriptions" rowKey={(w) => w.webhookId} />
      )}
    </>
  );
}
