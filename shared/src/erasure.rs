//! Erasing a customer's personal data, asked for by an administrator
//! (`POST /admin/customers/{sub}/erase`) or by the user service's
//! `UserErasureRequested` event; both reach the `erase-customer` worker
//! through one queue.
//!
//! A pass redacts every order of the customer that has ended (see
//! `domain::erasure::has_ended`), the addresses on their carts and the
//! payloads of webhook deliveries that named them. Orders still in
//! progress are counted as waiting, and the worker queues itself another
//! pass after `ERASURE_RECHECK_SECONDS`; the erasure is COMPLETE once none
//! waits, and its stream then publishes `CustomerErased`. A pass that finds
//! nothing new writes nothing, so asking twice changes nothing.

use serde::Deserialize;

use crate::domain::erasure::{self, ErasureRecord, ErasureSource, ErasureStatus};
use crate::domain::now_rfc3339;
use crate::App;

/// The message on the erasure queue: the service's own (`customerSub`), or
/// an EventBridge event from the user service whose `detail` names the
/// customer (`sub` or `customerSub`).
#[derive(Debug, Deserialize)]
pub struct ErasureMessage {
    #[serde(rename = "customerSub", default)]
    customer_sub: Option<String>,
    #[serde(rename = "detail-type", default)]
    detail_type: Option<String>,
    #[serde(default)]
    detail: Option<serde_json::Value>,
}

impl ErasureMessage {
    /// Whom to erase and who asked.
    pub fn customer(&self) -> anyhow::Result<(String, ErasureSource)> {
        if let Some(sub) = &self.customer_sub {
            return Ok((sub.clone(), ErasureSource::Admin));
        }
        if self.detail_type.as_deref() != Some("UserErasureRequested") {
            anyhow::bail!(
                "not an erasure request: {}",
                self.detail_type.as_deref().unwrap_or("no detail-type")
            );
        }
        let detail = self.detail.as_ref();
        let sub = detail
            .and_then(|d| d.get("sub").or_else(|| d.get("customerSub")))
            .and_then(|s| s.as_str())
            .filter(|s| valid_sub(s))
            .ok_or_else(|| anyhow::anyhow!("UserErasureRequested without a valid sub"))?;
        Ok((sub.to_string(), ErasureSource::UserService))
    }
}

/// A `sub` as the user pool issues them.
pub fn valid_sub(sub: &str) -> bool {
    (1..=128).contains(&sub.len())
        && sub
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:@".contains(c))
}

/// Records the request (once) and queues a pass.
pub async fn request(
    app: &App,
    customer_sub: &str,
    source: ErasureSource,
) -> anyhow::Result<ErasureRecord> {
    let at = now_rfc3339();
    let record = app
        .store()
        .request_erasure(&ErasureRecord {
            customer_sub: customer_sub.to_string(),
            status: ErasureStatus::Pending,
            source,
            requested_at: at.clone(),
            updated_at: at,
            completed_at: None,
            orders_erased: 0,
            orders_waiting: 0,
        })
        .await?;
    queue_pass(app, customer_sub, None).await?;
    Ok(record)
}

async fn queue_pass(app: &App, customer_sub: &str, delay: Option<i32>) -> anyhow::Result<()> {
    let queue = app
        .config
        .integrations
        .erasure_queue_url
        .as_deref()
        .ok_or_else(|| anyhow::anyhow!("ERASURE_QUEUE_URL is not set"))?;
    app.sqs
        .send_message()
        .queue_url(queue)
        .message_body(serde_json::json!({ "customerSub": customer_sub }).to_string())
        .set_delay_seconds(delay)
        .send()
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "queueing an erasure: {}",
                aws_sdk_sqs::error::DisplayErrorContext(&e)
            )
        })?;
    Ok(())
}

/// One pass over a customer's data (the `erase-customer` worker).
pub async fn process(app: &App, message: ErasureMessage) -> anyhow::Result<()> {
    let (sub, source) = message.customer()?;
    let store = app.store();
    let at = now_rfc3339();
    // A user-service request may be the first this service hears of it.
    let mut record = match store.get_erasure(&sub).await? {
        Some(record) => record,
        None => {
            store
                .request_erasure(&ErasureRecord {
                    customer_sub: sub.clone(),
                    status: ErasureStatus::Pending,
                    source,
                    requested_at: at.clone(),
                    updated_at: at.clone(),
                    completed_at: None,
                    orders_erased: 0,
                    orders_waiting: 0,
                })
                .await?
        }
    };
    let mut erased = 0u32;
    let mut waiting = 0u32;
    for order in store.all_customer_orders(&sub).await? {
        if order.erased_at.is_some() {
            erased += 1;
        } else if erasure::has_ended(&order) {
            if store
                .erase_order(&order, &erasure::redact(&order, &at))
                .await?
            {
                erased += 1;
            } else {
                // Changed since it was read: the next pass looks again.
                waiting += 1;
            }
        } else {
            waiting += 1;
        }
    }
    let mut carts = 0;
    for cart_id in store.customer_cart_ids(&sub).await? {
        if store.erase_cart_address(&cart_id).await? {
            carts += 1;
        }
    }
    let deliveries = store.erase_delivery_payloads(&sub).await?;
    tracing::info!(
        orders_erased = erased,
        orders_waiting = waiting,
        carts,
        deliveries,
        "erasure pass"
    );
    let status = if waiting == 0 {
        ErasureStatus::Complete
    } else {
        ErasureStatus::Pending
    };
    let unchanged = record.status == status
        && record.orders_erased == erased
        && record.orders_waiting == waiting;
    if !unchanged {
        if status == ErasureStatus::Complete && record.completed_at.is_none() {
            record.completed_at = Some(at.clone());
        }
        record.status = status;
        record.orders_erased = erased;
        record.orders_waiting = waiting;
        record.updated_at = at;
        store.save_erasure(&record).await?;
    }
    if waiting > 0 {
        queue_pass(
            app,
            &sub,
            Some(app.config.integrations.erasure_recheck_seconds),
        )
        .await?;
    }
    Ok(())
}
