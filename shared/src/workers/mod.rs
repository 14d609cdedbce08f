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

macro_rules! workers {
    ($($(#[$doc:meta])* $variant:ident / $serve:ident => $name:literal,)*) => {
        /// The SQS-driven workers, each deployed as its own function; a
        /// worker's messages are handled by `messages::<its serve name>`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Worker { $($(#[$doc])* $variant,)* }

        impl Worker {
            pub const ALL: &'static [Worker] = &[$(Worker::$variant,)*];

            /// The function's name (`reserve-stock`, …).
            pub fn name(self) -> &'static str {
                match self { $(Worker::$variant => $name,)* }
            }

            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|w| w.name() == name)
            }

            /// Handles one message with this worker's own handler;
            /// `Ok(false)` when it is to come back later (a webhook retry,
            /// hidden for its delay). The local runner and the tests
            /// dispatch through this; each function's binary calls its own
            /// `serve` function instead, so it links only its own worker.
            async fn message(self, app: &App, record: &SqsMessage) -> anyhow::Result<bool> {
                match self { $(Worker::$variant => messages::$serve(app, record).await,)* }
            }
        }

        /// Each worker function's `main`: its own handler and no other worker's.
        pub mod serve {
            use super::{messages, run, Worker};
            $(
                #[doc = concat!("The `", $name, "` worker function.")]
                pub async fn $serve() -> Result<(), lambda_runtime::Error> {
                    run(Worker::$variant, messages::$serve).await
                }
            )*
        }
    };
}

workers! {
    ReserveStock / reserve_stock => "reserve-stock",
    ChargePayment / charge_payment => "charge-payment",
    FulfilOrder / fulfil_order => "fulfil-order",
    NotifyCustomer / notify_customer => "notify-customer",
    ReleaseStock / release_stock => "release-stock",
    RefundPayment / refund_payment => "refund-payment",
    MarkOrderFailed / mark_order_failed => "mark-order-failed",
    WaitForStock / wait_for_stock => "wait-for-stock",
    /// Erases a customer's personal data (`crate::erasure`).
    EraseCustomer / erase_customer => "erase-customer",
    /// Plans an event's webhook deliveries (`crate::webhooks::deliveries`).
    PlanWebhookDeliveries / plan_webhook_deliveries => "plan-webhook-deliveries",
    /// Attempts one webhook delivery.
    DeliverWebhook / deliver_webhook => "deliver-webhook",
}

impl Worker {
    /// Processes a batch; one span per message; failures listed by id.
    pub async fn handle(self, app: &App, event: SqsEvent) -> SqsBatchResponse {
        process(self, &event.records, |record| self.message(app, record)).await
    }
}

/// Each worker's handling of one message.
mod messages {
    use super::*;

    /// A workflow step's message, handed to `step`.
    async fn workflow_step(
        record: &SqsMessage,
        step: impl AsyncFnOnce(StepMessage) -> anyhow::Result<()>,
    ) -> anyhow::Result<bool> {
        let body = record.body.as_deref().unwrap_or_default();
        let message: StepMessage = serde_json::from_str(body)
            .map_err(|e| anyhow::anyhow!("the message is not a workflow step: {e}"))?;
        step(message).await?;
        Ok(true)
    }

    macro_rules! workflow_steps {
        ($($name:ident => $step:path),* $(,)?) => {
            $(
                pub(super) async fn $name(app: &App, record: &SqsMessage) -> anyhow::Result<bool> {
                    workflow_step(record, async |message| $step(app, message).await).await
                }
            )*
        };
    }

    workflow_steps! {
        reserve_stock => reserve_stock::reserve_stock,
        charge_payment => payment::charge_payment,
        fulfil_order => shipping::fulfil_order,
        notify_customer => shipping::notify_customer,
        release_stock => compensation::release_stock,
        refund_payment => payment::refund_payment,
        mark_order_failed => compensation::mark_order_failed,
        wait_for_stock => backorders::wait_for_stock,
    }

    pub(super) async fn erase_customer(app: &App, record: &SqsMessage) -> anyhow::Result<bool> {
        let body = record.body.as_deref().unwrap_or_default();
        let message: crate::erasure::ErasureMessage = serde_json::from_str(body)
            .map_err(|e| anyhow::anyhow!("the message is not an erasure request: {e}"))?;
        crate::erasure::process(app, message).await?;
        Ok(true)
    }

    pub(super) async fn plan_webhook_deliveries(
        app: &App,
        record: &SqsMessage,
    ) -> anyhow::Result<bool> {
        crate::webhooks::deliveries::plan(app, record.body.as_deref().unwrap_or_default()).await?;
        Ok(true)
    }

    pub(super) async fn deliver_webhook(app: &App, record: &SqsMessage) -> anyhow::Result<bool> {
        Ok(crate::webhooks::deliveries::deliver(app, record).await?
            == crate::webhooks::deliveries::Disposition::Done)
    }
}

/// Runs `message` over a batch; one span per message; failures listed by id.
async fn process<'a, Done>(
    worker: Worker,
    records: &'a [SqsMessage],
    message: impl Fn(&'a SqsMessage) -> Done,
) -> SqsBatchResponse
where
    Done: std::future::Future<Output = anyhow::Result<bool>> + 'a,
{
    let mut failures = Vec::new();
    for record in records {
        let message_id = record.message_id.clone().unwrap_or_default();
        let span = tracing::info_span!("step", worker = worker.name(), %message_id);
        let outcome = message(record).instrument(span).await;
        let done = match outcome {
            Ok(done) => done,
            Err(error) => {
                tracing::error!(worker = worker.name(), %message_id, error = ?error, "step failed");
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

/// A worker function's whole `main`: runs `message` over each batch.
async fn run(
    worker: Worker,
    message: impl AsyncFn(&App, &SqsMessage) -> anyhow::Result<bool>,
) -> Result<(), lambda_runtime::Error> {
    crate::telemetry::init();
    let app = App::from_env().await?;
    let (app, message) = (&app, &message);
    lambda_runtime::run(lambda_runtime::service_fn(
        move |event: lambda_runtime::LambdaEvent<SqsEvent>| async move {
            let records = event.payload.records;
            let response = process(worker, &records, |record| message(app, record)).await;
            Ok::<_, std::convert::Infallible>(response)
        },
    ))
    .await
}
