//! Lambda's SQS event source, locally: long-polls each worker's queue,
//! hands batches to the worker as real `SqsEvent`s, deletes what succeeded
//! and leaves the reported failures to reappear after the visibility
//! timeout, so the queue's redrive policy moves them to the DLQ in the end.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use aws_sdk_sqs::types::{
    ChangeMessageVisibilityBatchRequestEntry, DeleteMessageBatchRequestEntry,
    MessageSystemAttributeName,
};
use shared::workers::Worker;
use shared::App;

/// Polls `queue_url` for `worker` until the task is dropped; while `paused`
/// is set it leaves the queue alone, as a disabled event source mapping does.
pub fn spawn(
    worker: Worker,
    app: App,
    queue_url: String,
    queue_arn: String,
    paused: Arc<AtomicBool>,
    faults: crate::faults::Faults,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if paused.load(Ordering::SeqCst) {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
            if let Err(e) = poll_once(worker, &app, &queue_url, &queue_arn, &paused, &faults).await
            {
                tracing::warn!(worker = worker.name(), error = %e, "polling failed; retrying");
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
        }
    })
}

async fn poll_once(
    worker: Worker,
    app: &App,
    queue_url: &str,
    queue_arn: &str,
    paused: &AtomicBool,
    faults: &crate::faults::Faults,
) -> anyhow::Result<()> {
    let out = app
        .sqs
        .receive_message()
        .queue_url(queue_url)
        .max_number_of_messages(10)
        .wait_time_seconds(1)
        .message_system_attribute_names(MessageSystemAttributeName::All)
        .send()
        .await
        .map_err(|e| crate::aws_error("receiving messages", e))?;
    let messages = out.messages.unwrap_or_default();
    if messages.is_empty() {
        return Ok(());
    }
    // Paused while the receive was waiting: give the messages back at once,
    // untouched, so a pause takes effect for every message after it.
    if paused.load(Ordering::SeqCst) {
        let receipts = messages.iter().filter_map(|m| m.receipt_handle.clone());
        return_after(app, queue_url, receipts, 0).await?;
        return Ok(());
    }
    let mut receipts = HashMap::new();
    let mut records = Vec::with_capacity(messages.len());
    for m in messages {
        let mut record = SqsMessage::default();
        record.message_id = m.message_id.clone();
        record.receipt_handle = m.receipt_handle.clone();
        record.body = m.body.clone();
        record.md5_of_body = m.md5_of_body.clone();
        record.attributes = m
            .attributes
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k.as_str().to_string(), v))
            .collect();
        record.event_source = Some("aws:sqs".into());
        record.event_source_arn = Some(queue_arn.to_string());
        record.aws_region = Some("us-east-1".into());
        if let (Some(id), Some(receipt)) = (m.message_id, m.receipt_handle) {
            receipts.insert(id, receipt);
        }
        records.push(record);
    }
    let mut event = SqsEvent::default();
    event.records = records;
    let deliveries = if faults.twice() { 2 } else { 1 };
    for _ in 0..deliveries {
        let invocation =
            crate::metering::invocation(worker.name(), worker.handle(app, event.clone()));
        let Ok(response) = crate::faults::invocation(worker.name(), invocation).await else {
            // The function died: Lambda deletes nothing, and the whole batch
            // comes back once its visibility timeout has passed.
            let receipts = receipts.into_values();
            return_after(
                app,
                queue_url,
                receipts,
                crate::faults::CRASHED_BATCH_RETURNS_AFTER,
            )
            .await?;
            return Ok(());
        };
        for failure in &response.batch_item_failures {
            receipts.remove(&failure.item_identifier);
        }
    }
    if receipts.is_empty() {
        return Ok(());
    }
    let entries = receipts
        .into_iter()
        .enumerate()
        .map(|(i, (_, receipt))| {
            DeleteMessageBatchRequestEntry::builder()
                .id(format!("m{i}"))
                .receipt_handle(receipt)
                .build()
        })
        .collect::<Result<Vec<_>, _>>()?;
    app.sqs
        .delete_message_batch()
        .queue_url(queue_url)
        .set_entries(Some(entries))
        .send()
        .await
        .map_err(|e| crate::aws_error("deleting handled messages", e))?;
    Ok(())
}

/// Makes messages visible again after `seconds`.
async fn return_after(
    app: &App,
    queue_url: &str,
    receipts: impl Iterator<Item = String>,
    seconds: i32,
) -> anyhow::Result<()> {
    let entries = receipts
        .enumerate()
        .filter_map(|(i, receipt)| {
            ChangeMessageVisibilityBatchRequestEntry::builder()
                .id(format!("m{i}"))
                .receipt_handle(receipt)
                .visibility_timeout(seconds)
                .build()
                .ok()
        })
        .collect::<Vec<_>>();
    if entries.is_empty() {
        return Ok(());
    }
    app.sqs
        .change_message_visibility_batch()
        .queue_url(queue_url)
        .set_entries(Some(entries))
        .send()
        .await
        .map_err(|e| crate::aws_error("returning messages to the queue", e))?;
    Ok(())
}
