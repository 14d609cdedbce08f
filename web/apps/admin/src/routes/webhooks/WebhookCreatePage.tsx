import { useCreateWebhook, type WebhookSubscriptionWithSecret } from "@order-service/api";
import { useState } from "react";
import { Link } from "react-router";
import { PageHeader } from "../../components/states";
import { WebhooksExplained } from "./WebhookListPage";
import { emptyWebhook, WebhookForm } from "./WebhookForm";
import { SecretPanel } from "./SecretPanel";

export function Component() {
  const create = useCreateWebhook();
  // The answer is the only place the secret is ever shown: it stays on this page until the administrator leaves.
  const [created, setCreated] = useState<WebhookSubscriptionWithSecret | null>(null);
  return (
    <>
      <p className="breadcrumb">
        <Link to="/webhooks">Webhooks</Link> / New
      </p>
      <PageHeader title="New webhook" />
      {created ? (
        <>
          <p className="alert alert-success" role="status">
            Webhook created: events of {created.eventTypes.length === 1 ? "its type" : `its ${created.eventTypes.length} types`} go
            to <code className="webhook-url">{created.url}</code> from now on.
          </p>
          <SecretPanel secret={created.secret} heading="The webhook's signing secret">
            <p>
              Your receiver checks each request&apos;s <code>webhook-signature</code> with it (the part after <code>whsec_</code>,
              base64-decoded, is the HMAC key).
            </p>
            <p className="row">
              <Link className="button" to={`/webhooks/${created.webhookId}`}>
                I have copied it: open the webhook
              </Link>
            </p>
          </SecretPanel>
        </>
      ) : (
        <div className="grid-2 wide-first">
          <div className="card">
            <WebhookForm
              label="New webhook"
              defaultValues={emptyWebhook}
              submitLabel="Create webhook"
              pendingLabel="Creating…"
              pending={create.isPending}
              error={create.error}
              // Delivering from the start; the webhook's page pauses it.
              onSubmit={(fields, onError) => create.mutate({ ...fields, active: true }, { onSuccess: setCreated, onError })}
            />
          </div>
          <aside className="card muted-card" aria-label="About webhooks">
            <WebhooksExplained />
          </aside>
        </div>
      )}
    </>
  );
}
