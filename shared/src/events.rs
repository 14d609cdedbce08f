//! `publish-domain-events`: the consumer of the Orders, Products,
//! InventoryLedger and Erasures streams that turns each committed change
//! into domain events (`crate::domain::events`) on the service's
//! EventBridge bus.
//!
//! Events leave in the order of their records. When `PutEvents` reports
//! an entry failed, it and every entry after it are sent again (three
//! times, backing off), so none overtakes another; if some still
//! fail, the batch reports the first record with an unpublished event as
//! failed, so Lambda retries from there and, past the mapping's retries,
//! sends it to the on-failure queue, where an alarm sees it. A record
//! handled again republishes events with the same ids, which consumers
//! deduplicate.

use std::time::Duration;

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use aws_sdk_eventbridge::types::PutEventsRequestEntry;

use crate::domain::erasure::{ErasureRecord, ErasureStatus};
use crate::domain::events::{self, DomainEvent, StockMovement};
use crate::domain::product::Product;

/// EventBridge takes at most ten entries a call.
const ENTRIES_PER_CALL: usize = 10;
/// Backoff before each resend of failed entries.
const RESEND_AFTER: [Duration; 3] = [
    Duration::from_millis(100),
    Duration::from_millis(400),
    Duration::from_millis(1600),
];

/// Where events go.
#[derive(Clone)]
pub struct EventBus {
    client: aws_sdk_eventbridge::Client,
    bus: String,
    source: String,
}

impl EventBus {
    pub fn new(sdk: &aws_config::SdkConfig, config: &crate::Config) -> Self {
        Self {
            client: aws_sdk_eventbridge::Client::new(sdk),
            bus: config.integrations.event_bus.clone(),
            source: config.integrations.event_source.clone(),
        }
    }

    fn entry(&self, event: &DomainEvent) -> anyhow::Result<PutEventsRequestEntry> {
        let time = chrono::DateTime::parse_from_rfc3339(&event.occurred_at)
            .map(|t| aws_sdk_eventbridge::primitives::DateTime::from_millis(t.timestamp_millis()))
            .ok();
        Ok(PutEventsRequestEntry::builder()
            .event_bus_name(&self.bus)
            .source(&self.source)
            .detail_type(event.kind.as_str())
            .detail(serde_json::to_string(event)?)
            .set_time(time)
            .build())
    }

    /// Publishes `events` in order; `Err` carries the index of the first
    /// event that could not be published.
    pub async fn put(&self, events: &[DomainEvent]) -> Result<(), (usize, anyhow::Error)> {
        for (chunk_index, chunk) in events.chunks(ENTRIES_PER_CALL).enumerate() {
            let offset = chunk_index * ENTRIES_PER_CALL;
            let mut pending: Vec<usize> = (0..chunk.len()).collect();
            let mut last_error = None;
            for attempt in 0..=RESEND_AFTER.len() {
                if attempt > 0 {
                    tokio::time::sleep(RESEND_AFTER[attempt - 1]).await;
                }
                let entries = pending
                    .iter()
                    .map(|&i| self.entry(&chunk[i]))
                    .collect::<anyhow::Result<Vec<_>>>()
                    .map_err(|e| (offset + pending[0], e))?;
                match self
                    .client
                    .put_events()
                    .set_entries(Some(entries))
                    .send()
                    .await
                {
                    Ok(out) => {
                        let results = out.entries.unwrap_or_default();
                        // From the first failed entry on, everything is sent
                        // again, so no event overtakes one before it (the
                        // ones sent twice keep their ids).
                        let first_failed = pending.iter().enumerate().position(|(position, _)| {
                            match results.get(position) {
                                Some(r) if r.error_code.is_none() && r.event_id.is_some() => false,
                                Some(r) => {
                                    last_error = Some(anyhow::anyhow!(
                                        "{}: {}",
                                        r.error_code.as_deref().unwrap_or("no event id"),
                                        r.error_message.as_deref().unwrap_or("")
                                    ));
                                    true
                                }
                                None => true,
                            }
                        });
                        pending = match first_failed {
                            Some(position) => pending[position..].to_vec(),
                            None => Vec::new(),
                        };
                    }
                    Err(e) => {
                        last_error = Some(anyhow::anyhow!(
                            "PutEvents failed: {}",
                            aws_sdk_eventbridge::error::DisplayErrorContext(&e)
                        ));
                    }
                }
                if pending.is_empty() {
                    break;
                }
            }
            if let Some(&first) = pending.first() {
                return Err((
                    offset + first,
                    last_error.unwrap_or_else(|| anyhow::anyhow!("PutEvents left entries out")),
                ));
            }
        }
        Ok(())
    }
}

/// The kinds of item whose changes become events.
#[derive(Debug, PartialEq, Eq)]
enum Source {
    Order,
    Product,
    StockMovement,
    Erasure,
}

/// What a record is about, told by its keys (each table's key differs),
/// so the function needs no table names to read its streams.
fn source_of(record: &EventRecord) -> Option<Source> {
    let keys = &record.change.keys;
    let has = |name: &str| keys.get(name).is_some();
    if has("orderId") {
        Some(Source::Order)
    } else if has("sku") && has("entryId") {
        Some(Source::StockMovement)
    } else if has("sku") {
        Some(Source::Product)
    } else if has("customerSub") {
        Some(Source::Erasure)
    } else {
        None
    }
}

/// The attribute `name` of an image, when it is a string.
fn string_attribute(image: &serde_dynamo::Item, name: &str) -> Option<String> {
    match image.get(name) {
        Some(serde_dynamo::AttributeValue::S(s)) => Some(s.clone()),
        _ => None,
    }
}

/// The events one stream record reports.
pub fn record_events(record: &EventRecord) -> anyhow::Result<Vec<DomainEvent>> {
    if record.event_name == "REMOVE" || record.change.new_image.is_empty() {
        return Ok(Vec::new());
    }
    let new_image = &record.change.new_image;
    let old_image = &record.change.old_image;
    match source_of(record) {
        Some(Source::Order) => {
            let Some((old, new)) = crate::analytics::order_images(record)? else {
                return Ok(Vec::new());
            };
            Ok(events::order_events(old.as_ref(), &new))
        }
        Some(Source::StockMovement) => {
            if !old_image.is_empty() {
                return Ok(Vec::new());
            }
            let movement: StockMovement = serde_dynamo::from_item(new_image.clone())
                .map_err(|e| anyhow::anyhow!("reading a ledger entry: {e}"))?;
            Ok(vec![events::stock_adjusted(&movement)])
        }
        Some(Source::Product) => {
            // Low when the sparse `lowStock` attribute appears.
            let (Some(since), None) = (
                string_attribute(new_image, "lowStockSince"),
                string_attribute(old_image, "lowStock"),
            ) else {
                return Ok(Vec::new());
            };
            if string_attribute(new_image, "lowStock").is_none() {
                return Ok(Vec::new());
            }
            let product: Product = serde_dynamo::from_item(new_image.clone())
                .map_err(|e| anyhow::anyhow!("reading a product: {e}"))?;
            Ok(vec![events::stock_low(&product, &since)])
        }
        Some(Source::Erasure) => {
            let new: ErasureRecord = serde_dynamo::from_item(new_image.clone())
                .map_err(|e| anyhow::anyhow!("reading an erasure: {e}"))?;
            let was_complete = string_attribute(old_image, "status").as_deref() == Some("COMPLETE");
            if new.status != ErasureStatus::Complete || was_complete {
                return Ok(Vec::new());
            }
            Ok(events::customer_erased(&new).into_iter().collect())
        }
        None => anyhow::bail!(
            "a record from a stream this consumer does not read: {}",
            record.event_source_arn.as_deref().unwrap_or("no ARN")
        ),
    }
}

/// Publishes the events of a batch of stream records, in order.
pub async fn publish(bus: &EventBus, event: Event) -> DynamoDbEventResponse {
    let mut response = DynamoDbEventResponse::default();
    let mut pending: Vec<(usize, DomainEvent)> = Vec::new();
    let mut unreadable = None;
    for (index, record) in event.records.iter().enumerate() {
        match record_events(record) {
            Ok(events) => pending.extend(events.into_iter().map(|e| (index, e))),
            Err(e) => {
                tracing::error!(
                    event_id = %record.event_id,
                    error = %format!("{e:#}"),
                    "a change could not be read"
                );
                unreadable = Some(index);
                break;
            }
        }
    }
    let events: Vec<DomainEvent> = pending.iter().map(|(_, e)| e.clone()).collect();
    let failed_record = match bus.put(&events).await {
        Ok(()) => unreadable,
        Err((first, error)) => {
            tracing::error!(
                event = %events[first].id,
                error = %format!("{error:#}"),
                "domain events could not be published"
            );
            Some(pending[first].0)
        }
    };
    for (_, published) in pending
        .iter()
        .filter(|(i, _)| failed_record.is_none_or(|f| *i < f))
    {
        tracing::info!(event = %published.id, kind = published.kind.as_str(), "published");
    }
    if let Some(index) = failed_record {
        let mut failure = DynamoDbBatchItemFailure::default();
        failure.item_identifier = event.records[index].change.sequence_number.clone();
        response.batch_item_failures.push(failure);
    }
    response
}

/// The publisher function's whole life.
pub async fn run_publisher() -> Result<(), lambda_runtime::Error> {
    crate::telemetry::init();
    let sdk = crate::app::sdk_config()?;
    let bus = EventBus::new(&sdk, &crate::Config::from_env());
    let bus = &bus;
    lambda_runtime::run(lambda_runtime::service_fn(
        move |event: lambda_runtime::LambdaEvent<Event>| async move {
            Ok::<_, lambda_runtime::Error>(publish(bus, event.payload).await)
        },
    ))
    .await
}
