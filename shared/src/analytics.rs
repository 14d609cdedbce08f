//! The `sales-analytics` stream consumer: reads every change of an order
//! from the Orders table's stream and counts its facts (a sale, a refund,
//! returned units) into the per-day aggregates the reports read (see
//! [`crate::domain::analytics`]), and records its payment events (captures,
//! declines, refunds) for the admin payments list (see
//! [`crate::domain::payment_events`]). One reader of the stream keeps both,
//! each exactly once per order and key.
//!
//! Records are handled in stream order. The first one that fails is
//! reported by its sequence number, and nothing after it is handled, so
//! Lambda retries the batch from there; a fact counted before the failure
//! is not counted again.

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};

use crate::domain::analytics::facts;
use crate::domain::order::Order;
use crate::domain::payment_events::payment_events;
use crate::App;

/// Handles one batch of stream records.
pub async fn handle(app: &App, event: Event) -> DynamoDbEventResponse {
    let mut response = DynamoDbEventResponse::default();
    for record in event.records {
        if let Err(e) = count(app, &record).await {
            tracing::error!(
                event_id = %record.event_id,
                sequence_number = record.change.sequence_number.as_deref().unwrap_or(""),
                error = %format!("{e:#}"),
                "an order change could not be counted"
            );
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = record.change.sequence_number.clone();
            response.batch_item_failures.push(failure);
            break;
        }
    }
    response
}

/// The order before and after a stream record's change: `None` for a
/// removal; the old image is `None` for an order just placed.
pub fn order_images(record: &EventRecord) -> anyhow::Result<Option<(Option<Order>, Order)>> {
    if record.event_name == "REMOVE" || record.change.new_image.is_empty() {
        return Ok(None);
    }
    let new: Order = serde_dynamo::from_item(record.change.new_image.clone())
        .map_err(|e| anyhow::anyhow!("reading the new image: {e}"))?;
    let old: Option<Order> = if record.change.old_image.is_empty() {
        None
    } else {
        Some(
            serde_dynamo::from_item(record.change.old_image.clone())
                .map_err(|e| anyhow::anyhow!("reading the old image: {e}"))?,
        )
    };
    Ok(Some((old, new)))
}

async fn count(app: &App, record: &EventRecord) -> anyhow::Result<()> {
    let Some((old, new)) = order_images(record)? else {
        return Ok(());
    };
    let store = app.store();
    for fact in facts(old.as_ref(), &new)? {
        let counted = store.record_fact(&fact).await?;
        tracing::info!(
            order_id = %fact.order_id,
            fact = %fact.key,
            counted,
            "order fact"
        );
    }
    for event in payment_events(old.as_ref(), &new) {
        let recorded = store.record_payment_event(&event).await?;
        tracing::info!(
            order_id = %event.order_id,
            event = %event.event_id,
            recorded,
            "payment event"
        );
    }
    Ok(())
}

/// The function's whole life: build the clients once, then handle batches.
pub async fn run() -> Result<(), lambda_runtime::Error> {
    crate::telemetry::init();
    let app = App::from_env().await?;
    let app = &app;
    lambda_runtime::run(lambda_runtime::service_fn(
        move |event: lambda_runtime::LambdaEvent<Event>| async move {
            Ok::<_, lambda_runtime::Error>(handle(app, event.payload).await)
        },
    ))
    .await
}
