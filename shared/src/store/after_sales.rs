//! Returns and refunds are kept on the order (`afterSales`) and changed
//! under its `version`: each change is one transaction that rewrites
//! `afterSales` conditional on the version (and status) read, optionally
//! moves the status, records the payment, and restocks returned units with
//! their ledger entries. A concurrent change makes it fail with
//! [`AfterSalesConflict`]; the caller reads again and retries.

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};

use super::products::LedgerEntry;
use super::{is_cancelled, n, s, to_item, unexpected, Store};
use crate::domain::order::{Order, OrderStatus, PaymentRecord, StatusChange};
use crate::domain::product::Sku;
use crate::domain::returns::AfterSales;

/// Another change to the order's returns or refunds came first.
#[derive(Debug, thiserror::Error)]
pub enum AfterSalesError {
    #[error("the order's returns changed while this change was made")]
    Conflict,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// One change to an order's returns and refunds.
pub struct AfterSalesWrite<'a> {
    /// The order as read (its version and status are the condition).
    pub order: &'a Order,
    /// The new state; its version is the read one plus one.
    pub after: &'a AfterSales,
    pub status: Option<(OrderStatus, String)>,
    pub payment: Option<&'a PaymentRecord>,
    /// Units to put back on sale: (SKU, units, ledger reason).
    pub restock: Vec<(Sku, u32, String)>,
    pub actor: &'a str,
    pub now: &'a str,
}

impl<'a> AfterSalesWrite<'a> {
    /// A change to the returns and refunds alone.
    pub fn new(order: &'a Order, after: &'a AfterSales, actor: &'a str, now: &'a str) -> Self {
        Self {
            order,
            after,
            status: None,
            payment: None,
            restock: Vec::new(),
            actor,
            now,
        }
    }
}

fn value<T: serde::Serialize>(v: &T) -> anyhow::Result<AttributeValue> {
    serde_dynamo::to_attribute_value(v).map_err(|e| anyhow::anyhow!("writing an attribute: {e}"))
}

/// Sparse index of orders with a return waiting for an admin.
pub const OPEN_RETURNS_INDEX: &str = "OpenReturns";

impl Store {
    /// Orders with a return waiting for an admin, oldest first, paged.
    pub async fn list_open_returns(
        &self,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<super::Page<Order>, super::products::ListError> {
        let start = super::decode_cursor(cursor, &["orderId", "openReturns", "createdKey"])?;
        let out = self
            .client
            .query()
            .table_name(&self.tables.orders)
            .index_name(OPEN_RETURNS_INDEX)
            .key_condition_expression("openReturns = :open")
            .expression_attribute_values(":open", s("OPEN"))
            .set_exclusive_start_key(start)
            .limit(limit)
            .send()
            .await
            .map_err(|e| unexpected("listing open returns", e))?;
        Ok(super::page_of(out.items, out.last_evaluated_key.as_ref())?)
    }

    pub async fn save_after_sales(&self, w: AfterSalesWrite<'_>) -> Result<(), AfterSalesError> {
        let mut set = vec!["afterSales = :after", "updatedAt = :now"];
        let mut remove = Vec::new();
        let mut order = Update::builder()
            .table_name(&self.tables.orders)
            .key("orderId", s(&w.order.order_id))
            .condition_expression(
                "(attribute_not_exists(afterSales) OR afterSales.version = :version) \
                 AND #status = :current",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":after", value(w.after)?)
            .expression_attribute_values(":now", s(w.now))
            .expression_attribute_values(":version", n(w.order.after_sales.version))
            .expression_attribute_values(":current", s(w.order.status.as_str()));
        if w.after.has_open_returns() {
            set.push("openReturns = :open");
            order = order.expression_attribute_values(":open", s("OPEN"));
        } else {
            remove.push("openReturns");
        }
        if let Some((to, reason)) = &w.status {
            set.push("#status = :to");
            set.push("statusHistory = list_append(statusHistory, :entry)");
            let change = StatusChange {
                status: *to,
                at: w.now.to_string(),
                reason: Some(reason.clone()),
            };
            order = order
                .expression_attribute_values(":to", s(to.as_str()))
                .expression_attribute_values(":entry", AttributeValue::L(vec![value(&change)?]));
        }
        if let Some(payment) = w.payment {
            set.push("paymentRecord = :payment");
            order = order.expression_attribute_values(":payment", value(payment)?);
        }
        let mut expression = format!("SET {}", set.join(", "));
        if !remove.is_empty() {
            expression.push_str(&format!(" REMOVE {}", remove.join(", ")));
        }
        let order = order
            .update_expression(expression)
            .build()
            .map_err(|e| anyhow::anyhow!("building the order update: {e}"))?;
        let mut tx = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(order).build());
        for (sku, units, reason) in &w.restock {
            let update = Update::builder()
                .table_name(&self.tables.products)
                .key("sku", s(sku.as_str()))
                .update_expression(
                    "SET onHand = onHand + :units, available = available + :units, updatedAt = :now",
                )
                .condition_expression("attribute_exists(sku)")
                .expression_attribute_values(":units", n(*units))
                .expression_attribute_values(":now", s(w.now))
                .build()
                .map_err(|e| anyhow::anyhow!("building a restock: {e}"))?;
            let entry = LedgerEntry {
                sku: sku.clone(),
                entry_id: format!("{}#{}", w.now, uuid::Uuid::now_v7()),
                delta: i64::from(*units),
                reason: reason.clone(),
                actor: w.actor.to_string(),
                at: w.now.to_string(),
            };
            let put = Put::builder()
                .table_name(&self.tables.inventory_ledger)
                .set_item(Some(to_item(&entry)?))
                .build()
                .map_err(|e| anyhow::anyhow!("building a ledger entry: {e}"))?;
            tx = tx
                .transact_items(TransactWriteItem::builder().update(update).build())
                .transact_items(TransactWriteItem::builder().put(put).build());
        }
        match tx.send().await {
            Ok(_) => Ok(()),
            Err(e) if is_cancelled(&e) => Err(AfterSalesError::Conflict),
            Err(e) => Err(unexpected("recording a return or refund", e).into()),
        }
    }
}
