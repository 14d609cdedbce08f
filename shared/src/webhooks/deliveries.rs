//! Delivering domain events to webhook subscriptions, at least once.
//!
//! An EventBridge rule sends every event of the service to the
//! `plan-webhook-deliveries` queue; planning records one delivery per
//! subscription that wants the event (its id derived from both, so an
//! event planned twice is one delivery) and queues it. The
//! `deliver-webhook` worker POSTs it, signed; on failure it hides the
//! message for the next delay of the retry schedule (SQS's visibility
//! timeout, up to 12 hours) and reports it failed, and after the last
//! retry it sends it to the dead-letter queue and marks the subscription
//! failing.

use aws_lambda_events::event::sqs::SqsMessage;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::outbound::{self, SignedRequest};
use crate::domain::events::DomainEvent;
use crate::domain::now_rfc3339;
use crate::store::webhooks::{Attempt, Delivery, DeliveryStatus};
use crate::App;

/// An event as EventBridge hands it to a queue.
#[derive(Debug, Deserialize)]
pub struct BusEvent {
    pub detail: DomainEvent,
}

/// The message that asks for one attempt of a delivery.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryMessage {
    pub webhook_id: String,
    pub delivery_id: String,
}

/// One delivery per subscription and event.
pub fn delivery_id(webhook_id: &str, event_id: &str) -> String {
    let digest = Sha256::digest(format!("{webhook_id}\u{1f}{event_id}").as_bytes());
    hex::encode(&digest[..16])
}

fn sqs_error<E: std::error::Error + Send + Sync + 'static>(
    what: &str,
    e: aws_sdk_sqs::error::SdkError<E>,
) -> anyhow::Error {
    anyhow::anyhow!("{what}: {}", aws_sdk_sqs::error::DisplayErrorContext(&e))
}

/// The queue deliveries wait in (`WEBHOOK_DELIVERIES_QUEUE_URL`).
fn deliveries_queue(app: &App) -> anyhow::Result<&str> {
    app.config
        .integrations
        .webhook_deliveries_queue_url
        .as_deref()
        .ok_or_else(|| anyhow::anyhow!("WEBHOOK_DELIVERIES_QUEUE_URL is not set"))
}

pub(crate) async fn queue_delivery(app: &App, message: &DeliveryMessage) -> anyhow::Result<()> {
    let queue = deliveries_queue(app)?;
    app.sqs
        .send_message()
        .queue_url(queue)
        .message_body(serde_json::to_string(message)?)
        .send()
        .await
        .map_err(|e| sqs_error("queueing a webhook delivery", e))?;
    Ok(())
}

/// Plans the deliveries of one event (the `plan-webhook-deliveries` worker).
pub async fn plan(app: &App, body: &str) -> anyhow::Result<()> {
    let event: BusEvent = serde_json::from_str(body)
        .map_err(|e| anyhow::anyhow!("the message is not a domain event: {e}"))?;
    let event = event.detail;
    let store = app.store();
    let payload = serde_json::to_string(&event)?;
    // Only an order's placement carries the customer's contact and address.
    let personal_data_of = match event.kind {
        crate::domain::events::EventType::OrderPlaced => event.customer_sub.as_deref(),
        _ => None,
    };
    for subscription in store.list_subscriptions().await? {
        if !subscription.wants(event.kind) {
            continue;
        }
        let at = now_rfc3339();
        let delivery = Delivery {
            delivery_id: delivery_id(&subscription.webhook_id, &event.id),
            webhook_id: subscription.webhook_id.clone(),
            event_id: event.id.clone(),
            event_type: event.kind,
            status: DeliveryStatus::Pending,
            attempts: Vec::new(),
            created_at: at.clone(),
            updated_at: at.clone(),
            next_attempt_at: Some(at),
            payload: Some(payload.clone()),
            payload_erased: false,
        };
        let (stored, created) = store.create_delivery(&delivery, personal_data_of).await?;
        // Planned before but never attempted: the queueing may be what
        // failed last time, so queue it (a second attempt is harmless).
        if created || (stored.status == DeliveryStatus::Pending && stored.attempts.is_empty()) {
            queue_delivery(
                app,
                &DeliveryMessage {
                    webhook_id: stored.webhook_id.clone(),
                    delivery_id: stored.delivery_id.clone(),
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// What became of an attempt, for the poller: `Retry` leaves the message
/// to come back after the delay it was given.
#[derive(Debug, PartialEq, Eq)]
pub enum Disposition {
    Done,
    Retry,
}

/// One attempt of a delivery (the `deliver-webhook` worker).
pub async fn deliver(app: &App, record: &SqsMessage) -> anyhow::Result<Disposition> {
    let body = record.body.as_deref().unwrap_or_default();
    let message: DeliveryMessage = serde_json::from_str(body)
        .map_err(|e| anyhow::anyhow!("the message is not a webhook delivery: {e}"))?;
    let store = app.store();
    let Some(subscription) = store.get_subscription(&message.webhook_id).await? else {
        tracing::info!(webhook = %message.webhook_id, "the subscription is gone; dropped");
        return Ok(Disposition::Done);
    };
    let Some(delivery) = store
        .get_delivery(&message.webhook_id, &message.delivery_id)
        .await?
    else {
        tracing::info!(delivery = %message.delivery_id, "the delivery is gone; dropped");
        return Ok(Disposition::Done);
    };
    if delivery.status != DeliveryStatus::Pending {
        return Ok(Disposition::Done);
    }
    let at = now_rfc3339();
    let Some(payload) = delivery.payload.as_deref() else {
        let attempt = Attempt {
            at: at.clone(),
            status_code: None,
            error: Some("the event's personal data was erased".into()),
            duration_ms: 0,
        };
        store
            .record_attempt(&delivery, attempt, DeliveryStatus::Failed, None)
            .await?;
        return Ok(Disposition::Done);
    };
    let outcome = if subscription.active {
        let allow_loopback = app.config.integrations.webhooks_allow_loopback;
        outbound::send(
            SignedRequest {
                url: &subscription.url,
                id: &delivery.event_id,
                timestamp: chrono::Utc::now().timestamp(),
                body: payload.as_bytes(),
                secrets: subscription.secrets_in_force(&at),
            },
            allow_loopback,
        )
        .await
    } else {
        outbound::Outcome {
            status_code: None,
            error: Some("the subscription is paused".into()),
            duration_ms: 0,
        }
    };
    tracing::info!(
        webhook = %delivery.webhook_id,
        delivery = %delivery.delivery_id,
        status_code = outcome.status_code,
        error = outcome.error.as_deref().unwrap_or(""),
        "webhook attempt"
    );
    let attempt = Attempt {
        at: at.clone(),
        status_code: outcome.status_code,
        error: outcome.error.clone(),
        duration_ms: outcome.duration_ms,
    };
    if outcome.succeeded() {
        store
            .record_attempt(&delivery, attempt, DeliveryStatus::Delivered, None)
            .await?;
        if subscription.failing_since.is_some() {
            store
                .set_subscription_failing(&subscription.webhook_id, None)
                .await?;
        }
        return Ok(Disposition::Done);
    }
    // The SQS receive count is this message's attempt number.
    let attempt_number: usize = record
        .attributes
        .get("ApproximateReceiveCount")
        .and_then(|c| c.parse().ok())
        .unwrap_or(1);
    let delays = &app.config.integrations.webhook_retry_delays;
    match delays.get(attempt_number.saturating_sub(1)) {
        Some(&delay) if subscription.active => {
            let next = chrono::Utc::now() + chrono::Duration::seconds(i64::from(delay));
            let next = next.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            store
                .record_attempt(&delivery, attempt, DeliveryStatus::Pending, Some(&next))
                .await?;
            hide_for(app, record, delay).await?;
            Ok(Disposition::Retry)
        }
        _ => {
            store
                .record_attempt(&delivery, attempt, DeliveryStatus::Failed, None)
                .await?;
            if subscription.active {
                store
                    .set_subscription_failing(&subscription.webhook_id, Some(&at))
                    .await?;
                dead_letter(app, body).await?;
            }
            Ok(Disposition::Done)
        }
    }
}

/// Keeps the message hidden for `seconds` before it is tried again.
async fn hide_for(app: &App, record: &SqsMessage, seconds: i32) -> anyhow::Result<()> {
    let queue = deliveries_queue(app)?;
    let receipt = record
        .receipt_handle
        .as_deref()
        .ok_or_else(|| anyhow::anyhow!("a message without a receipt handle"))?;
    app.sqs
        .change_message_visibility()
        .queue_url(queue)
        .receipt_handle(receipt)
        .visibility_timeout(seconds)
        .send()
        .await
        .map_err(|e| sqs_error("delaying a webhook retry", e))?;
    Ok(())
}

async fn dead_letter(app: &App, body: &str) -> anyhow::Result<()> {
    let queue = app
        .config
        .integrations
        .webhook_dlq_url
        .as_deref()
        .ok_or_else(|| anyhow::anyhow!("WEBHOOK_DLQ_URL is not set"))?;
    app.sqs
        .send_message()
        .queue_url(queue)
        .message_body(body)
        .send()
        .await
        .map_err(|e| sqs_error("dead-lettering a webhook delivery", e))?;
    Ok(())
}
