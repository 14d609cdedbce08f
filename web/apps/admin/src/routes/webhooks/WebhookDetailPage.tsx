import {
  useDeleteWebhook,
  useRotateWebhookSecret,
  useUpdateWebhook,
  useWebhook,
  type WebhookSubscription,
  type WebhookSubscriptionWithSecret,
} from "@order-service/api";
import { useId, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { StatusBadge } from "../../components/StatusBadge";
import { ErrorState, FormError, Loading, PageHeader } from "../../components/states";
import { formatDateTime } from "../../lib/format";
import { hostOf, stateExplanation } from "./deliveries";
import { SecretPanel } from "./SecretPanel";
import { WebhookDeliveries } from "./WebhookDeliveries";
import { toWebhookValues, WebhookForm, webhookChanges } from "./WebhookForm";

export function Component() {
  const { webhookId = "" } = useParams();
  const webhook = useWebhook(webhookId);
  if (webhook.isPending) return <Loading label="Loading the webhook…" />;
  if (webhook.isError)
    return (
      <>
        <p className="breadcrumb">
          <Link to="/webhooks">Webhooks</Link>
        </p>
        <PageHeader title="Webhook" />
        <ErrorState title="The webhook could not be loaded." error={webhook.error} retry={() => void webhook.refetch()} />
      </>
    );
  return <WebhookDetail subscription={webhook.data} />;
}

function WebhookDetail({ subscription }: { subscription: WebhookSubscription }) {
  const id = subscription.webhookId;
  const host = hostOf(subscription.url);
  const navigate = useNavigate();
  const remove = useDeleteWebhook(id);
  const [confirmDelete, setConfirmDelete] = useState(false);
  // A rotation's answer: the one time the new secret is shown, across the page so it is not missed.
  const [rotated, setRotated] = useState<WebhookSubscriptionWithSecret | null>(null);
  return (
    <>
      <p className="breadcrumb">
        <Link to="/webhooks">Webhooks</Link> / {host}
      </p>
      <PageHeader
        title={
          <>
            Webhook {host} <StatusBadge status={subscription.state} />
          </>
        }
        description={
          <>
            <code className="webhook-url">{subscription.url}</code>
            {subscription.description && <> · {subscription.description}</>}
          </>
        }
      >
        <button type="button" className="button danger" onClick={() => setConfirmDelete(true)}>
          Delete webhook
        </button>
      </PageHeader>

      {rotated && (
        <SecretPanel secret={rotated.secret} heading="New signing secret">
          <p>
            The previous secret keeps signing every delivery, beside this one, until{" "}
            <strong>{formatDateTime(rotated.previousSecretExpiresAt)}</strong>: switch your receiver to the new secret before then.
          </p>
          <p>
            <button type="button" className="button small" onClick={() => setRotated(null)}>
              I have copied it: hide the secret
            </button>
          </p>
        </SecretPanel>
      )}

      <div className="grid-2">
        <DeliveryState subscription={subscription} />
        <SigningSecret subscription={subscription} onRotated={setRotated} />
      </div>

      <section className="card" aria-labelledby="settings-heading">
        <h2 id="settings-heading">Settings</h2>
        <WebhookSettings subscription={subscription} />
      </section>

      <section className="card" aria-labelledby="deliveries-heading">
        <h2 id="deliveries-heading">Recent deliveries</h2>
        <WebhookDeliveries webhookId={id} />
      </section>

      <ConfirmDialog
        open={confirmDelete}
        title="Delete this webhook?"
        confirmLabel="Delete webhook"
        pendingLabel="Deleting…"
        pending={remove.isPending}
        error={remove.error}
        onCancel={() => {
          remove.reset();
          setConfirmDelete(false);
        }}
        onConfirm={() =>
          remove.mutate(undefined, {
            onSuccess: () => void navigate("/webhooks", { state: { notice: `The webhook to ${subscription.url} was deleted.` } }),
          })
        }
      >
        <p>
          Events stop going to <code className="webhook-url">{subscription.url}</code> at once, and deliveries still waiting for a
          retry are dropped. Its delivery history goes with it. This cannot be undone.
        </p>
      </ConfirmDialog>
    </>
  );
}

/** The Active switch (pause and resume), and what the state means. */
function DeliveryState({ subscription }: { subscription: WebhookSubscription }) {
  const update = useUpdateWebhook(subscription.webhookId);
  const [notice, setNotice] = useState<string | null>(null);
  const switchId = useId();
  const hintId = useId();
  const setActive = (active: boolean, done: string) => {
    setNotice(null);
    update.mutate({ active }, { onSuccess: () => setNotice(done) });
  };
  return (
    <section className="card" aria-labelledby="state-heading">
      <h2 id="state-heading">State</h2>
      <div className="switch-field">
        <button
          id={switchId}
          type="button"
          role="switch"
          className="switch"
          aria-checked={subscription.active}
          aria-describedby={hintId}
          disabled={update.isPending}
          onClick={() =>
            setActive(!subscription.active, subscription.active ? "Paused: no events are sent until it is active again." : "Active again.")
          }
        >
          <span className="switch-thumb" aria-hidden="true" />
        </button>
        <label htmlFor={switchId}>Active</label>
        <span className="muted small" aria-hidden="true">
          {update.isPending ? "Saving…" : subscription.active ? "On" : "Off"}
        </span>
      </div>
      <p id={hintId} className="hint">
        {stateExplanation(subscription.state)}
      </p>
      {subscription.state === "FAILING" && (
        <div className="alert alert-warning stack-tight">
          <p>
            <strong>Failing since {formatDateTime(subscription.failingSince)}.</strong> A delivery to this URL failed every retry.
            Once the receiver is fixed, activate it again to clear the mark (and redeliver what it missed from the deliveries below).
          </p>
          <p>
            <button type="button" className="button small" disabled={update.isPending} onClick={() => setActive(true, "Active again: the failing mark is cleared.")}>
              Activate again
            </button>
          </p>
        </div>
      )}
      <FormError error={update.error} />
      {notice && (
        <p className="alert alert-success" role="status">
          {notice}
        </p>
      )}
      <dl className="facts">
        <dt>Created</dt>
        <dd>{formatDateTime(subscription.createdAt)}</dd>
        <dt>Changed</dt>
        <dd>{formatDateTime(subscription.updatedAt)}</dd>
      </dl>
    </section>
  );
}

/** When the secret was last rotated, and rotation (confirmed first; the new secret is shown once). */
function SigningSecret({
  subscription,
  onRotated,
}: {
  subscription: WebhookSubscription;
  onRotated: (rotated: WebhookSubscriptionWithSecret) => void;
}) {
  const rotate = useRotateWebhookSecret(subscription.webhookId);
  const [confirming, setConfirming] = useState(false);
  const overlapUntil = subscription.previousSecretExpiresAt;
  return (
    <section className="card" aria-labelledby="secret-heading">
      <h2 id="secret-heading">Signing secret</h2>
      <p>
        Each request carries a <code>webhook-signature</code> made with the subscription&apos;s secret. The secret is shown only
        when it is created.
      </p>
      <dl className="facts">
        <dt>Last rotated</dt>
        <dd>{subscription.secretRotatedAt ? formatDateTime(subscription.secretRotatedAt) : "Never"}</dd>
        {overlapUntil && (
          <>
            <dt>Previous secret</dt>
            <dd>Also signs deliveries until {formatDateTime(overlapUntil)}</dd>
          </>
        )}
      </dl>
      <p>
        <button type="button" className="button" onClick={() => setConfirming(true)}>
          Rotate secret
        </button>
      </p>
      <ConfirmDialog
        open={confirming}
        title="Rotate the signing secret?"
        confirmLabel="Rotate secret"
        pendingLabel="Rotating…"
        tone="primary"
        pending={rotate.isPending}
        error={rotate.error}
        onCancel={() => {
          rotate.reset();
          setConfirming(false);
        }}
        onConfirm={() =>
          rotate.mutate(undefined, {
            onSuccess: (answer) => {
              onRotated(answer);
              setConfirming(false);
            },
          })
        }
      >
        <p>A new secret is issued and shown once, on this page.</p>
        <p>
          For 24 hours every delivery carries two signatures, one by the new secret and one by the current one, so your receiver
          can switch to the new secret without losing events. After that only the new secret signs.
        </p>
      </ConfirmDialog>
    </section>
  );
}

/** URL, description and event types; only what changed is sent (a new URL is checked again). */
function WebhookSettings({ subscription }: { subscription: WebhookSubscription }) {
  const update = useUpdateWebhook(subscription.webhookId);
  const [notice, setNotice] = useState<string | null>(null);
  const values = toWebhookValues(subscription);
  return (
    <>
      {notice && (
        <p className="alert alert-success" role="status">
          {notice}
        </p>
      )}
      <WebhookForm
        // Saved values start the form again; a pause or a resume leaves what is being typed.
        key={JSON.stringify(values)}
        label="Webhook settings"
        defaultValues={values}
        submitLabel="Save changes"
        pending={update.isPending}
        error={update.error}
        onSubmit={(fields, onError) => {
          setNotice(null);
          const changes = webhookChanges(subscription, fields);
          if (!changes) {
            setNotice("Nothing to save: these are the saved settings.");
            return;
          }
          update.mutate(changes, { onSuccess: () => setNotice("Changes saved."), onError });
        }}
      />
    </>
  );
}
