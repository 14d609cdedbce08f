//! The Orders table's side of manual fulfilment: the task token a paid
//! order's workflow waits on while staff pick, pack and ship it, and the
//! fulfilment queue (the `ByStatus` index, oldest first).
//!
//! The token is the item attribute `fulfilmentToken`. It is deliberately not
//! a field of [`Order`]: no view, e-mail, report or stream consumer that
//! works with orders can show it, and only the methods here read or write
//! it. The rest of the item is the order as always (it is never rewritten
//! whole after checkout, so the attribute survives every other update).

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

use super::orders::BY_STATUS_INDEX;
use super::products::ListError;
use super::workflow_steps::StepWriteError;
use super::{condition_failed, decode_cursor, from_item, page_of, s, unexpected, InvalidCursor};
use super::{Page, Store};
use crate::domain::order::{Order, OrderStatus, StatusChange};

const FULFILMENT_TOKEN: &str = "fulfilmentToken";

/// An order with the token its workflow waits on, if it ever waited in the
/// fulfilment queue. The token stays after the order ships or is cancelled,
/// so a repeated ship or cancel can send it again (see `docs/fulfilment.md`).
#[derive(Debug, Clone)]
pub struct FulfilmentOrder {
    pub order: Order,
    pub token: Option<String>,
}

impl Store {
    /// One order and its fulfilment token, read strongly consistent.
    pub async fn get_order_for_fulfilment(
        &self,
        order_id: &str,
    ) -> anyhow::Result<Option<FulfilmentOrder>> {
        let Some(mut item) = self.get_order_item(order_id).await? else {
            return Ok(None);
        };
        let token = match item.remove(FULFILMENT_TOKEN) {
            Some(AttributeValue::S(token)) => Some(token),
            _ => None,
        };
        Ok(Some(FulfilmentOrder {
            order: from_item(item)?,
            token,
        }))
    }

    /// Stores the task token of the workflow's FulfilOrder step, in one
    /// conditional write: from PAID the order becomes AWAITING_FULFILMENT
    /// (with its history entry); from AWAITING_FULFILMENT only the token is
    /// replaced (a redelivered message, or the step retried after a
    /// timeout with a new token). Anything else is `NotApplicable` with the
    /// order as it is now.
    pub async fn hold_for_fulfilment(
        &self,
        order_id: &str,
        token: &str,
        from: OrderStatus,
        now: &str,
    ) -> Result<Order, StepWriteError> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.tables.orders)
            .key("orderId", s(order_id))
            .condition_expression("#status = :from")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#token", FULFILMENT_TOKEN)
            .expression_attribute_values(":from", s(from.as_str()))
            .expression_attribute_values(":token", s(token))
            .expression_attribute_values(":now", s(now))
            .return_values(ReturnValue::AllNew);
        update = match from {
            OrderStatus::Paid => {
                let change = StatusChange {
                    status: OrderStatus::AwaitingFulfilment,
                    at: now.to_string(),
                    reason: Some("in the fulfilment queue".into()),
                };
                let entry = serde_dynamo::to_attribute_value(&change)
                    .map_err(|e| anyhow::anyhow!("writing a status change: {e}"))?;
                update
                    .update_expression(
                        "SET #status = :awaiting, #token = :token, \
                         statusHistory = list_append(statusHistory, :entry), updatedAt = :now",
                    )
                    .expression_attribute_values(
                        ":awaiting",
                        s(OrderStatus::AwaitingFulfilment.as_str()),
                    )
                    .expression_attribute_values(":entry", AttributeValue::L(vec![entry]))
            }
            OrderStatus::AwaitingFulfilment => {
                update.update_expression("SET #token = :token, updatedAt = :now")
            }
            other => {
                return Err(anyhow::anyhow!(
                    "an order that is {} does not wait for fulfilment",
                    other.as_str()
                )
                .into())
            }
        };
        match update.send().await {
            Ok(out) => {
                let mut item = out.attributes.unwrap_or_default();
                item.remove(FULFILMENT_TOKEN);
                Ok(from_item(item)?)
            }
            Err(e) if condition_failed(&e) => {
                let current = self
                    .get_order(order_id)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("order {order_id} vanished"))?;
                Err(StepWriteError::NotApplicable(Box::new(current)))
            }
            Err(e) => Err(unexpected("holding an order for fulfilment", e).into()),
        }
    }

    /// A page of the orders AWAITING_FULFILMENT, oldest first (by the time
    /// they were placed). The cursor must come from this listing.
    pub async fn list_fulfilment_queue(
        &self,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Order>, ListError> {
        let awaiting = OrderStatus::AwaitingFulfilment.as_str();
        let start = decode_cursor(cursor, &["orderId", "status", "createdKey"])?;
        if let Some(start) = &start {
            let created = start.get("createdKey").and_then(|v| v.as_s().ok());
            if start.get("status") != Some(&s(awaiting)) || created.is_none() {
                return Err(InvalidCursor.into());
            }
        }
        let out = self
            .client
            .query()
            .table_name(&self.tables.orders)
            .index_name(BY_STATUS_INDEX)
            .key_condition_expression("#status = :awaiting")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":awaiting", s(awaiting))
            .scan_index_forward(true)
            .set_exclusive_start_key(start)
            .limit(limit)
            .send()
            .await
            .map_err(|e| unexpected("listing the fulfilment queue", e))?;
        let items = out.items.map(|items| {
            items
                .into_iter()
                .map(|mut item| {
                    item.remove(FULFILMENT_TOKEN);
                    item
                })
                .collect()
        });
        Ok(page_of(items, out.last_evaluated_key.as_ref())?)
    }
}
