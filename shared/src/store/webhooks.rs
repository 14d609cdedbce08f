//! Webhooks table: the subscriptions, all in one partition
//! (`pk = WEBHOOKS`, `sk = <webhookId>`; a shop has a handful, and one
//! strongly consistent query lists them), and each subscription's
//! deliveries (`pk = DELIVERIES#<webhookId>`, `sk = <deliveryId>`), listed
//! newest first through the local index `ByCreated` on `createdKey` and
//! expiring after 30 days. A delivery of an event that carries a customer's
//! personal data names them in `personalDataOf` (sparse index
//! `ByPersonalData`), so erasing the customer finds it.

use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};

use super::{
    condition_failed, decode_cursor, from_item, n, page_of, s, to_item, unexpected, InvalidCursor,
    Item, Page, Store,
};
use crate::domain::events::EventType;

const SUBSCRIPTIONS: &str = "WEBHOOKS";
pub const BY_CREATED_INDEX: &str = "ByCreated";
pub const BY_PERSONAL_DATA_INDEX: &str = "ByPersonalData";
/// How long deliveries are kept.
pub const DELIVERY_TTL_SECONDS: i64 = 30 * 24 * 3600;
/// Attempts kept on a delivery.
pub const ATTEMPTS_KEPT: usize = 20;

fn deliveries_pk(webhook_id: &str) -> String {
    format!("DELIVERIES#{webhook_id}")
}

/// A subscription as stored (with its secrets).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub webhook_id: String,
    pub url: String,
    #[serde(default)]
    pub description: String,
    pub event_types: Vec<EventType>,
    pub active: bool,
    /// Absent (never null) when not failing: the store sets it with
    /// `if_not_exists`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_since: Option<String>,
    pub secret: String,
    #[serde(default)]
    pub previous_secret: Option<String>,
    #[serde(default)]
    pub previous_secret_expires_at: Option<String>,
    #[serde(default)]
    pub secret_rotated_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: u64,
}

impl Subscription {
    /// The secrets deliveries are signed with now: the current one, and
    /// the previous one until it expires.
    pub fn secrets_in_force(&self, now: &str) -> Vec<&str> {
        let mut secrets = vec![self.secret.as_str()];
        if let (Some(previous), Some(until)) =
            (&self.previous_secret, &self.previous_secret_expires_at)
        {
            if until.as_str() > now {
                secrets.push(previous);
            }
        }
        secrets
    }

    pub fn wants(&self, kind: EventType) -> bool {
        self.active && self.event_types.contains(&kind)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Failed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub at: String,
    pub status_code: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: u64,
}

/// One event's delivery to one subscription.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub delivery_id: String,
    pub webhook_id: String,
    pub event_id: String,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    #[serde(default)]
    pub attempts: Vec<Attempt>,
    pub created_at: String,
    pub updated_at: String,
    #[serde(default)]
    pub next_attempt_at: Option<String>,
    /// The body sent: the event as published. Removed when the customer it
    /// names is erased.
    #[serde(default)]
    pub payload: Option<String>,
    #[serde(default)]
    pub payload_erased: bool,
}

/// Changes an administrator makes to a subscription.
#[derive(Debug, Default)]
pub struct SubscriptionChanges {
    pub url: Option<String>,
    pub event_types: Option<Vec<EventType>>,
    pub description: Option<String>,
    pub active: Option<bool>,
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookStoreError {
    #[error("no such subscription")]
    NotFound,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl Store {
    pub async fn create_subscription(&self, sub: &Subscription) -> anyhow::Result<()> {
        let mut item = to_item(sub)?;
        item.insert("pk".into(), s(SUBSCRIPTIONS));
        item.insert("sk".into(), s(&sub.webhook_id));
        self.client
            .put_item()
            .table_name(&self.tables.webhooks)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .map_err(|e| unexpected("creating a webhook subscription", e))?;
        Ok(())
    }

    pub async fn get_subscription(&self, webhook_id: &str) -> anyhow::Result<Option<Subscription>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.tables.webhooks)
            .key("pk", s(SUBSCRIPTIONS))
            .key("sk", s(webhook_id))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unexpected("reading a webhook subscription", e))?;
        out.item.map(from_item).transpose()
    }

    /// Every subscription, newest first.
    pub async fn list_subscriptions(&self) -> anyhow::Result<Vec<Subscription>> {
        let query = self
            .client
            .query()
            .table_name(&self.tables.webhooks)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(SUBSCRIPTIONS))
            .consistent_read(true);
        let mut subscriptions: Vec<Subscription> =
            super::every_page(query, "listing webhook subscriptions")
                .await?
                .into_iter()
                .map(from_item)
                .collect::<anyhow::Result<_>>()?;
        subscriptions.sort_by(|a, b| b.created_at.cmp(&a.created_at));
        Ok(subscriptions)
    }

    /// Writes `next` over `read`, if nobody changed it in between.
    pub async fn replace_subscription(
        &self,
        read: &Subscription,
        next: &Subscription,
    ) -> Result<bool, WebhookStoreError> {
        let mut item = to_item(next)?;
        item.insert("pk".into(), s(SUBSCRIPTIONS));
        item.insert("sk".into(), s(&next.webhook_id));
        let result = self
            .client
            .put_item()
            .table_name(&self.tables.webhooks)
            .set_item(Some(item))
            .condition_expression("attribute_exists(pk) AND version = :read")
            .expression_attribute_values(":read", n(read.version))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(unexpected("changing a webhook subscription", e).into()),
        }
    }

    pub async fn delete_subscription(&self, webhook_id: &str) -> Result<(), WebhookStoreError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.tables.webhooks)
            .key("pk", s(SUBSCRIPTIONS))
            .key("sk", s(webhook_id))
            .condition_expression("attribute_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if condition_failed(&e) => Err(WebhookStoreError::NotFound),
            Err(e) => Err(unexpected("deleting a webhook subscription", e).into()),
        }
    }

    /// Marks a subscription failing since `now` (kept if already failing),
    /// or clears the mark.
    pub async fn set_subscription_failing(
        &self,
        webhook_id: &str,
        failing_since: Option<&str>,
    ) -> anyhow::Result<()> {
        let update = self
            .client
            .update_item()
            .table_name(&self.tables.webhooks)
            .key("pk", s(SUBSCRIPTIONS))
            .key("sk", s(webhook_id));
        let update = match failing_since {
            Some(now) => update
                .update_expression("SET failingSince = if_not_exists(failingSince, :now)")
                .expression_attribute_values(":now", s(now))
                .condition_expression("attribute_exists(pk)"),
            None => update
                .update_expression("REMOVE failingSince")
                .condition_expression("attribute_exists(pk) AND attribute_exists(failingSince)"),
        };
        match update.send().await {
            Ok(_) => Ok(()),
            Err(e) if condition_failed(&e) => Ok(()),
            Err(e) => Err(unexpected("marking a webhook subscription", e)),
        }
    }

    /// Records a delivery unless it exists; answers the stored one.
    pub async fn create_delivery(
        &self,
        delivery: &Delivery,
        personal_data_of: Option<&str>,
    ) -> anyhow::Result<(Delivery, bool)> {
        let mut item = to_item(delivery)?;
        item.insert("pk".into(), s(deliveries_pk(&delivery.webhook_id)));
        item.insert("sk".into(), s(&delivery.delivery_id));
        item.insert(
            "createdKey".into(),
            s(format!("{}#{}", delivery.created_at, delivery.delivery_id)),
        );
        item.insert(
            "expiresAt".into(),
            n(chrono::Utc::now().timestamp() + DELIVERY_TTL_SECONDS),
        );
        if let Some(sub) = personal_data_of {
            item.insert("personalDataOf".into(), s(sub));
        }
        let result = self
            .client
            .put_item()
            .table_name(&self.tables.webhooks)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok((delivery.clone(), true)),
            Err(e) if condition_failed(&e) => {
                let stored = self
                    .get_delivery(&delivery.webhook_id, &delivery.delivery_id)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("a delivery vanished while it was recorded"))?;
                Ok((stored, false))
            }
            Err(e) => Err(unexpected("recording a webhook delivery", e)),
        }
    }

    pub async fn get_delivery(
        &self,
        webhook_id: &str,
        delivery_id: &str,
    ) -> anyhow::Result<Option<Delivery>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.tables.webhooks)
            .key("pk", s(deliveries_pk(webhook_id)))
            .key("sk", s(delivery_id))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unexpected("reading a webhook delivery", e))?;
        out.item.map(from_item).transpose()
    }

    /// Records an attempt and where the delivery now stands.
    pub async fn record_attempt(
        &self,
        delivery: &Delivery,
        attempt: Attempt,
        status: DeliveryStatus,
        next_attempt_at: Option<&str>,
    ) -> anyhow::Result<()> {
        let mut attempts = delivery.attempts.clone();
        let now = attempt.at.clone();
        attempts.push(attempt);
        if attempts.len() > ATTEMPTS_KEPT {
            attempts.drain(..attempts.len() - ATTEMPTS_KEPT);
        }
        let attempts = serde_dynamo::to_attribute_value(&attempts)
            .map_err(|e| anyhow::anyhow!("writing attempts: {e}"))?;
        let status = serde_dynamo::to_attribute_value(status)
            .map_err(|e| anyhow::anyhow!("writing a status: {e}"))?;
        let next = next_attempt_at.map_or(AttributeValue::Null(true), s);
        self.client
            .update_item()
            .table_name(&self.tables.webhooks)
            .key("pk", s(deliveries_pk(&delivery.webhook_id)))
            .key("sk", s(&delivery.delivery_id))
            .update_expression(
                "SET attempts = :attempts, #status = :status, updatedAt = :now, nextAttemptAt = :next",
            )
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":attempts", attempts)
            .expression_attribute_values(":status", status)
            .expression_attribute_values(":now", s(now))
            .expression_attribute_values(":next", next)
            .send()
            .await
            .map_err(|e| unexpected("recording a webhook attempt", e))?;
        Ok(())
    }

    /// Queues a delivery again: PENDING, its attempts kept.
    pub async fn reopen_delivery(&self, delivery: &Delivery, now: &str) -> anyhow::Result<()> {
        self.client
            .update_item()
            .table_name(&self.tables.webhooks)
            .key("pk", s(deliveries_pk(&delivery.webhook_id)))
            .key("sk", s(&delivery.delivery_id))
            .update_expression("SET #status = :pending, updatedAt = :now, nextAttemptAt = :now")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":pending", s("PENDING"))
            .expression_attribute_values(":now", s(now))
            .send()
            .await
            .map_err(|e| unexpected("queueing a webhook delivery again", e))?;
        Ok(())
    }

    /// A subscription's deliveries, newest first.
    pub async fn list_deliveries(
        &self,
        webhook_id: &str,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Delivery>, super::products::ListError> {
        let pk = deliveries_pk(webhook_id);
        let start = decode_cursor(cursor, &["pk", "sk", "createdKey"])?;
        if let Some(start) = &start {
            if start.get("pk") != Some(&s(&pk)) {
                return Err(InvalidCursor.into());
            }
        }
        let out = self
            .client
            .query()
            .table_name(&self.tables.webhooks)
            .index_name(BY_CREATED_INDEX)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(pk))
            .scan_index_forward(false)
            .set_exclusive_start_key(start)
            .limit(limit)
            .send()
            .await
            .map_err(|e| unexpected("listing webhook deliveries", e))?;
        Ok(page_of(out.items, out.last_evaluated_key.as_ref())?)
    }

    /// Removes the payload of every delivery that names `customer_sub`;
    /// answers how many were changed.
    pub async fn erase_delivery_payloads(&self, customer_sub: &str) -> anyhow::Result<u32> {
        let query = self
            .client
            .query()
            .table_name(&self.tables.webhooks)
            .index_name(BY_PERSONAL_DATA_INDEX)
            .key_condition_expression("personalDataOf = :sub")
            .expression_attribute_values(":sub", s(customer_sub));
        let keys: Vec<Item> = super::every_page(query, "finding deliveries that name a customer")
            .await?
            .into_iter()
            .map(|item| {
                item.into_iter()
                    .filter(|(name, _)| name == "pk" || name == "sk")
                    .collect()
            })
            .collect();
        let mut erased = 0;
        for key in keys {
            let result = self
                .client
                .update_item()
                .table_name(&self.tables.webhooks)
                .set_key(Some(key))
                .update_expression("SET payloadErased = :true REMOVE payload, personalDataOf")
                .condition_expression("attribute_exists(pk)")
                .expression_attribute_values(":true", AttributeValue::Bool(true))
                .send()
                .await;
            match result {
                Ok(_) => erased += 1,
                Err(e) if condition_failed(&e) => {}
                Err(e) => return Err(unexpected("erasing a delivery's payload", e)),
            }
        }
        Ok(erased)
    }
}
