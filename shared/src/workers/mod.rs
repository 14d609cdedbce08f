//! Workflow steps driven by SQS: each message carries an order id and the
//! Step Functions task token of a `sendMessage.waitForTaskToken` state.
//! A batch answers with the ids of the messages that failed, so only those
//! are retried and, past the queue's receive limit, land in its DLQ.

pub mod backorders;
pub mod compensation;
pub mod payment;
pub mod reserve_stock;
pub mod shipping;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use serde::Deserialize;
use tracing::Instrument;

use crate::App;

/// The message a workflow task sends to a worker queue.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepMessage {
    pub order_id: String,
    pub task_token: String,
    /// notify-customer: which e-mail.
    #[serde(default)]
    pub kind: Option<String>,
    /// mark-order-failed: the final status.
    #[serde(default)]
    pub status: Option<String>,
    /// Why the workflow failed (the `Cause` a failed step reported).
    #[serde(default)]
    pub reason: Option<String>,
}

/// The SQS-driven workers, each deployed as its own function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Worker {
    ReserveStock,
    ChargePayment,
    FulfilOrder,
    NotifyCustomer,
    ReleaseStock,
    RefundPayment,
    MarkOrderFailed,
    WaitForStock,
    /// Erases a customer's personal data (`crate::erasure`).
    EraseCustomer,
    /// Plans an event's webhook deliveries (`crate::webhooks::deliveries`).
    PlanWebhookDeliveries,
    /// Attempts one webhook delivery.
    DeliverWebhook,
}

impl Worker {
    pub const ALL: &'static [Worker] = &[
        Worker::ReserveStock,
        Worker::ChargePayment,
        Worker::FulfilOrder,
        Worker::NotifyCustomer,
        Worker::ReleaseStock,
        Worker::RefundPayment,
        Worker::MarkOrderFailed,
        Worker::WaitForStock,
        Worker::EraseCustomer,
        Worker::PlanWebhookDeliveries,
        Worker::DeliverWebhook,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Worker::ReserveStock => "reserve-stock",
            Worker::ChargePayment => "charge-payment",
            Worker::FulfilOrder => "fulfil-order",
            Worker::NotifyCustomer => "notify-customer",
            Worker::ReleaseStock => "release-stock",
            Worker::RefundPayment => "refund-payment",
            Worker::MarkOrderFailed => "mark-order-failed",
            Worker::WaitForStock => "wait-for-stock",
            Worker::EraseCustomer => "erase-customer",
            Worker::PlanWebhookDeliveries => "plan-webhook-deliveries",
            Worker::DeliverWebhook => "deliver-webhook",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|w| w.name() == name)
    }

    async fn step(self, app: &App, message: StepMessage) -> anyhow::Result<()> {
        match self {
            Worker::ReserveStock => reserve_stock::reserve_stock(app, message).await,
            Worker::ChargePayment => payment::charge_payment(app, message).await,
            Worker::FulfilOrder => shipping::fulfil_order(app, message).await,
            Worker::NotifyCustomer => shipping::notify_customer(app, message).await,
            Worker::ReleaseStock => compensation::release_stock(app, message).await,
            Worker::RefundPayment => payment::refund_payment(app, message).await,
            Worker::MarkOrderFailed => compensation::mark_order_failed(app, message).await,
            Worker::WaitForStock => backorders::wait_for_stock(app, message).await,
            Worker::EraseCustomer | Worker::PlanWebhookDeliveries | Worker::DeliverWebhook => {
                anyhow::bail!("{} does not take workflow steps", self.name())
            }
        }
    }

    /// Handles one message; `Ok(false)` when it is to come back later
    /// (a webhook retry, hidden for its delay).
    async fn message(self, app: &App, record: &SqsMessage) -> anyhow::Result<bool> {
        let body = record.body.as_deref().unwrap_or_default();
        match self {
            Worker::EraseCustomer => {
                let message: crate::erasure::ErasureMessage = serde_json::from_str(body)
                    .map_err(|e| anyhow::anyhow!("the message is not an erasure request: {e}"))?;
                crate::erasure::process(app, message).await?;
                Ok(true)
            }
            Worker::PlanWebhookDeliveries => {
                crate::webhooks::deliveries::plan(app, body).await?;
                Ok(true)
            }
            Worker::DeliverWebhook => Ok(crate::webhooks::deliveries::deliver(app, record).await?
                == crate::webhooks::deliveries::Disposition::Done),
            _ => {
                let message: StepMessage = serde_json::from_str(body)
                    .map_err(|e| anyhow::anyhow!("the message is not a workflow step: {e}"))?;
                self.step(app, message).await?;
                Ok(true)
            }
        }
    }

    /// Processes a batch; one span per message; failures listed by id.
    pub async fn handle(self, app: &App, event: SqsEvent) -> SqsBatchResponse {
        let mut failures = Vec::new();
        for record in event.records {
            let message_id = record.message_id.clone().unwrap_or_default();
            let span = tracing::info_span!("step", worker = self.name(), %message_id);
            let outcome = self.message(app, &record).instrument(span).await;
            let done = match outcome {
                Ok(done) => done,
                Err(error) => {
                    tracing::error!(worker = self.name(), %message_id, error = ?error, "step failed");
                    false
                }
            };
            if !done {
                let mut failure = BatchItemFailure::default();
                failure.item_identifier = message_id;
                failures.push(failure);
            }
        }
        let mut response = SqsBatchResponse::default();
        response.batch_item_failures = failures;
        response
    }
}

/// Loads the order a step is about; a missing order is a message no retry
/// can fix, so it fails the message (and ends in the DLQ).
pub(crate) async fn load_order(
    app: &App,
    order_id: &str,
) -> anyhow::Result<crate::domain::order::Order> {
    app.store()
        .get_order(order_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("order {order_id} does not exist"))
}

/// A worker function's whole `main`.
pub async fn run(worker: Worker) -> Result<(), lambda_runtime::Error> {
    crate::telemetry::init();
    let app = App::from_env().await?;
    let app = &app;
    lambda_runtime::run(lambda_runtime::service_fn(
        move |event: lambda_runtime::LambdaEvent<SqsEvent>| async move {
            Ok::<_, std::convert::Infallible>(worker.handle(app, event.payload).await)
        },
    ))
    .await
}
