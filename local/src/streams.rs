//! Lambda's DynamoDB stream event source, locally: reads each shard of a
//! table's stream in order, applies the mapping's event filter, hands
//! batches to the consumer as real DynamoDB stream events, and retries from
//! the first record the consumer reports as failed (ReportBatchItemFailures).
//! A record that still fails after `MaximumRetryAttempts` is reported to the
//! on-failure queue and skipped, as Lambda does.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::anyhow;
use aws_lambda_events::event::dynamodb::{Event, EventRecord, StreamRecord, StreamViewType};
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use aws_sdk_dynamodbstreams::types::{Record, ShardIteratorType};
use shared::App;

use crate::template::StreamSource;

/// The functions that consume a stream, by binary name.
pub const CONSUMERS: &[&str] = &["sales-analytics", "order-notifier", "publish-domain-events"];

/// How long an idle shard waits before it is read again (Lambda polls a
/// shard about four times a second).
const IDLE: Duration = Duration::from_millis(250);

/// A stream consumer with what it needs to run.
pub enum Consumer {
    SalesAnalytics(App),
    /// Posts through the `@connections` API at `REALTIME_MANAGEMENT_URL`.
    OrderNotifier(App, shared::realtime::Connections),
    /// Publishes to the bus named by `EVENT_BUS_NAME`.
    DomainEvents(App, shared::events::EventBus),
}

impl Consumer {
    /// The consumer named `binary`, with its function's environment.
    pub fn new(binary: &str, app: App, sdk: &aws_config::SdkConfig) -> anyhow::Result<Self> {
        match binary {
            "sales-analytics" => Ok(Self::SalesAnalytics(app)),
            "order-notifier" => {
                let endpoint = app
                    .config
                    .realtime_management_url
                    .clone()
                    .ok_or_else(|| anyhow!("order-notifier needs REALTIME_MANAGEMENT_URL"))?;
                let connections = shared::realtime::Connections::new(sdk, &endpoint);
                Ok(Self::OrderNotifier(app, connections))
            }
            "publish-domain-events" => {
                let bus = shared::events::EventBus::new(sdk, &app.config);
                Ok(Self::DomainEvents(app, bus))
            }
            other => Err(anyhow!("no stream consumer is named {other}")),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::SalesAnalytics(_) => "sales-analytics",
            Self::OrderNotifier(..) => "order-notifier",
            Self::DomainEvents(..) => "publish-domain-events",
        }
    }

    fn app(&self) -> &App {
        match self {
            Self::SalesAnalytics(app)
            | Self::OrderNotifier(app, _)
            | Self::DomainEvents(app, _) => app,
        }
    }

    /// Hands `event` to the consumer.
    pub async fn consume(&self, event: Event) -> DynamoDbEventResponse {
        crate::metering::invocation(self.name(), self.consume_unmetered(event)).await
    }

    async fn consume_unmetered(&self, event: Event) -> DynamoDbEventResponse {
        match self {
            Self::SalesAnalytics(app) => shared::analytics::handle(app, event).await,
            Self::OrderNotifier(app, connections) => {
                shared::realtime::notify(app, connections, event).await
            }
            Self::DomainEvents(_, bus) => shared::events::publish(bus, event).await,
        }
    }
}

/// Feeds the stream `stream_arn` to `binary` until the task is dropped.
pub fn spawn(
    consumer: Consumer,
    streams: aws_sdk_dynamodbstreams::Client,
    stream_arn: String,
    source: StreamSource,
    on_failure: Option<String>,
    faults: crate::faults::Faults,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut feeder = Feeder {
            consumer,
            streams,
            stream_arn,
            source,
            on_failure,
            faults,
            positions: HashMap::new(),
            attempts: HashMap::new(),
            shards: None,
        };
        loop {
            match feeder.poll_once().await {
                Ok(true) => {}
                Ok(false) => tokio::time::sleep(IDLE).await,
                Err(e) => {
                    tracing::warn!(consumer = feeder.consumer.name(), error = %format!("{e:#}"), "reading the stream failed; retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
    })
}

struct Feeder {
    consumer: Consumer,
    streams: aws_sdk_dynamodbstreams::Client,
    stream_arn: String,
    source: StreamSource,
    /// Queue URL given-up records are reported to.
    on_failure: Option<String>,
    /// Whether batches are handed over twice.
    faults: crate::faults::Faults,
    /// Per shard: the sequence number of the last record handled.
    positions: HashMap<String, String>,
    /// Per sequence number: how often it failed.
    attempts: HashMap<String, u32>,
    /// The stream's shards and when they were listed: a shard lives for
    /// hours, so they are listed again every few seconds, not every poll.
    shards: Option<(std::time::Instant, Vec<String>)>,
}

/// How long a listing of the stream's shards is used.
const SHARDS_FOR: Duration = Duration::from_secs(5);

impl Feeder {
    /// Reads every shard once; `true` when there were records.
    async fn poll_once(&mut self) -> anyhow::Result<bool> {
        let shards = match &self.shards {
            Some((listed, shards)) if listed.elapsed() < SHARDS_FOR => shards.clone(),
            _ => {
                let description = self
                    .streams
                    .describe_stream()
                    .stream_arn(&self.stream_arn)
                    .send()
                    .await
                    .map_err(|e| crate::aws_error("describing the stream", e))?
                    .stream_description
                    .ok_or_else(|| anyhow!("the stream has no description"))?;
                let shards: Vec<String> = description
                    .shards
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|s| s.shard_id)
                    .collect();
                self.shards = Some((std::time::Instant::now(), shards.clone()));
                shards
            }
        };
        let mut busy = false;
        for shard_id in shards {
            match self.poll_shard(&shard_id).await {
                Ok(b) => busy |= b,
                Err(e) => {
                    // Perhaps the shard is gone: list them again next time.
                    self.shards = None;
                    return Err(e);
                }
            }
        }
        Ok(busy)
    }

    async fn poll_shard(&mut self, shard_id: &str) -> anyhow::Result<bool> {
        // A fresh iterator every time: the emulator rebuilds a table's
        // stream when it rolls back a transaction, so old iterators go stale.
        let mut request = self
            .streams
            .get_shard_iterator()
            .stream_arn(&self.stream_arn)
            .shard_id(shard_id);
        // Without a position, from the start of the stream: the local stack
        // is provisioned fresh, so that is also where LATEST would start.
        request = match self.positions.get(shard_id) {
            Some(last) => request
                .shard_iterator_type(ShardIteratorType::AfterSequenceNumber)
                .sequence_number(last),
            None => request.shard_iterator_type(ShardIteratorType::TrimHorizon),
        };
        let iterator = request
            .send()
            .await
            .map_err(|e| crate::aws_error("getting a shard iterator", e))?
            .shard_iterator
            .ok_or_else(|| anyhow!("no shard iterator for {shard_id}"))?;
        let out = self
            .streams
            .get_records()
            .shard_iterator(iterator)
            .limit(self.source.batch_size)
            .send()
            .await
            .map_err(|e| crate::aws_error("reading stream records", e))?;
        let records = out.records.unwrap_or_default();
        if records.is_empty() {
            return Ok(false);
        }
        let mut batch = Vec::new();
        let mut sequence_numbers = Vec::new();
        for record in records {
            let Some(sequence) = record
                .dynamodb
                .as_ref()
                .and_then(|d| d.sequence_number.clone())
            else {
                continue;
            };
            sequence_numbers.push(sequence);
            let name = record
                .event_name
                .as_ref()
                .map(|n| n.as_str().to_string())
                .unwrap_or_default();
            if self
                .source
                .event_names
                .as_ref()
                .is_none_or(|names| names.contains(&name))
            {
                batch.push(event_record(record, &self.stream_arn));
            }
        }
        let last = sequence_numbers.last().cloned();
        if batch.is_empty() {
            if let Some(last) = last {
                self.positions.insert(shard_id.to_string(), last);
            }
            return Ok(true);
        }
        let mut event = Event::default();
        event.records = batch;
        let mut failures = Vec::new();
        for _ in 0..if self.faults.twice() { 2 } else { 1 } {
            let response = self.consumer.consume(event.clone()).await;
            failures.extend(response.batch_item_failures);
        }
        let failed = failures
            .iter()
            .filter_map(|f| f.item_identifier.clone())
            .min_by_key(|s| s.parse::<u128>().unwrap_or(u128::MAX));
        let Some(failed) = failed else {
            if let Some(last) = last {
                self.positions.insert(shard_id.to_string(), last);
            }
            return Ok(true);
        };
        // Everything before the failed record is done; retry from it.
        if let Some(before) = sequence_numbers.iter().take_while(|s| **s != failed).last() {
            self.positions.insert(shard_id.to_string(), before.clone());
        }
        let attempts = {
            let a = self.attempts.entry(failed.clone()).or_default();
            *a += 1;
            *a
        };
        if attempts > self.source.maximum_retry_attempts {
            self.give_up(shard_id, &failed).await?;
            self.positions.insert(shard_id.to_string(), failed.clone());
            self.attempts.remove(&failed);
        } else {
            // Lambda backs off between retries of a failing batch.
            tokio::time::sleep(Duration::from_millis(200 * u64::from(attempts.min(10)))).await;
        }
        Ok(true)
    }

    /// Reports a record given up on, as Lambda's on-failure destination does.
    async fn give_up(&self, shard_id: &str, sequence: &str) -> anyhow::Result<()> {
        tracing::error!(consumer = self.consumer.name(), %shard_id, %sequence, "giving up on a stream record");
        let Some(queue_url) = &self.on_failure else {
            return Ok(());
        };
        let body = serde_json::json!({
            "requestContext": { "condition": "RetryAttemptsExhausted", "functionArn": self.consumer.name() },
            "DDBStreamBatchInfo": {
                "shardId": shard_id,
                "startSequenceNumber": sequence,
                "endSequenceNumber": sequence,
                "batchSize": 1,
                "streamArn": self.stream_arn,
            },
        });
        self.consumer
            .app()
            .sqs
            .send_message()
            .queue_url(queue_url)
            .message_body(body.to_string())
            .send()
            .await
            .map_err(|e| crate::aws_error("reporting a record given up on", e))?;
        Ok(())
    }
}

/// One stream record as Lambda hands it to a function.
fn event_record(record: Record, stream_arn: &str) -> EventRecord {
    let mut out = EventRecord::default();
    out.event_id = record.event_id.unwrap_or_default();
    out.event_name = record
        .event_name
        .map(|n| n.as_str().to_string())
        .unwrap_or_default();
    out.event_version = record.event_version;
    out.event_source = record.event_source;
    out.aws_region = record.aws_region.unwrap_or_else(|| "us-east-1".into());
    out.event_source_arn = Some(stream_arn.to_string());
    if let Some(d) = record.dynamodb {
        let mut change = StreamRecord::default();
        if let Some(t) = d.approximate_creation_date_time {
            if let Some(t) = chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos()) {
                change.approximate_creation_date_time = t;
            }
        }
        change.keys = d.keys.unwrap_or_default().into();
        change.new_image = d.new_image.unwrap_or_default().into();
        change.old_image = d.old_image.unwrap_or_default().into();
        change.sequence_number = d.sequence_number;
        change.size_bytes = d.size_bytes.unwrap_or_default();
        change.stream_view_type = d.stream_view_type.and_then(|v| {
            serde_json::from_value::<StreamViewType>(serde_json::json!(v.as_str())).ok()
        });
        out.change = change;
    }
    out
}

/// Every record a table's stream holds now, shard by shard in order, as
/// Lambda would hand them over: what a test replays to show that handling
/// a record twice changes nothing.
pub async fn read_all(
    streams: &aws_sdk_dynamodbstreams::Client,
    stream_arn: &str,
) -> anyhow::Result<Vec<EventRecord>> {
    let description = streams
        .describe_stream()
        .stream_arn(stream_arn)
        .send()
        .await
        .map_err(|e| crate::aws_error("describing the stream", e))?
        .stream_description
        .ok_or_else(|| anyhow!("the stream has no description"))?;
    let mut records = Vec::new();
    for shard in description.shards.unwrap_or_default() {
        let Some(shard_id) = shard.shard_id else {
            continue;
        };
        let mut iterator = streams
            .get_shard_iterator()
            .stream_arn(stream_arn)
            .shard_id(&shard_id)
            .shard_iterator_type(ShardIteratorType::TrimHorizon)
            .send()
            .await
            .map_err(|e| crate::aws_error("getting a shard iterator", e))?
            .shard_iterator;
        while let Some(current) = iterator {
            let out = streams
                .get_records()
                .shard_iterator(current)
                .send()
                .await
                .map_err(|e| crate::aws_error("reading the stream", e))?;
            let batch = out.records.unwrap_or_default();
            if batch.is_empty() {
                break;
            }
            records.extend(batch.into_iter().map(|r| event_record(r, stream_arn)));
            iterator = out.next_shard_iterator;
        }
    }
    Ok(records)
}
