//! The writes of the workflow's later steps and their compensation: record
//! a charge, a decline or a refund; release or commit held stock; claim an
//! e-mail so it is sent once. Each is conditional on the order's state, so
//! running a step twice changes nothing the second time.

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, TransactWriteItem, Update};

use super::{condition_failed, from_item, is_cancelled, n, s, unexpected, Store};
use crate::domain::order::{
    Order, OrderStatus, PaymentRecord, Shipment, StatusChange, TrackingEvent,
};

/// The update that records a payment without changing the status.
const SET_PAYMENT: &str = "SET paymentRecord = :payment, updatedAt = :now";

/// Sparse index of shipped orders: `trackingNumber`.
pub const BY_TRACKING_NUMBER_INDEX: &str = "ByTrackingNumber";

/// A conditional step found the order already past it.
/// What a claim to send an e-mail found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// This attempt sends it.
    Claimed,
    /// It went out already.
    Sent,
    /// Another attempt holds an unexpired claim: it may be sending it now.
    Held,
}

#[derive(Debug, thiserror::Error)]
pub enum StepWriteError {
    #[error("the order is not in a state this step applies to")]
    NotApplicable(Box<Order>),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

fn value<T: serde::Serialize>(v: &T) -> anyhow::Result<AttributeValue> {
    serde_dynamo::to_attribute_value(v).map_err(|e| anyhow::anyhow!("writing an attribute: {e}"))
}

fn history(change: &StatusChange) -> anyhow::Result<AttributeValue> {
    Ok(AttributeValue::L(vec![value(change)?]))
}

impl Store {
    async fn current(&self, order_id: &str) -> Result<StepWriteError, StepWriteError> {
        let order = self
            .get_order(order_id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("order {order_id} vanished"))?;
        Ok(StepWriteError::NotApplicable(Box::new(order)))
    }

    /// RESERVED → PAID with the captured payment.
    pub async fn record_charge(
        &self,
        order_id: &str,
        record: &PaymentRecord,
        now: &str,
    ) -> Result<Order, StepWriteError> {
        let change = StatusChange {
            status: OrderStatus::Paid,
            at: now.to_string(),
            reason: None,
        };
        self.update_payment(
            order_id,
            record,
            "SET #status = :paid, paymentRecord = :payment, \
             statusHistory = list_append(statusHistory, :entry), updatedAt = :now",
            "#status = :reserved",
            &[
                (":paid", s(OrderStatus::Paid.as_str())),
                (":reserved", s(OrderStatus::Reserved.as_str())),
                (":entry", history(&change)?),
            ],
            now,
        )
        .await
    }

    /// Records a declined charge on a RESERVED order (no status change:
    /// compensation decides the final status).
    pub async fn record_decline(
        &self,
        order_id: &str,
        record: &PaymentRecord,
        now: &str,
    ) -> Result<Order, StepWriteError> {
        self.update_payment(
            order_id,
            record,
            SET_PAYMENT,
            "#status = :reserved",
            &[(":reserved", s(OrderStatus::Reserved.as_str()))],
            now,
        )
        .await
    }

    /// Records the refund of a captured payment, once.
    pub async fn record_refund(
        &self,
        order_id: &str,
        record: &PaymentRecord,
        now: &str,
    ) -> Result<Order, StepWriteError> {
        self.update_payment(
            order_id,
            record,
            SET_PAYMENT,
            "paymentRecord.#pstatus = :captured",
            &[(":captured", s("CAPTURED"))],
            now,
        )
        .await
    }

    /// Records a capture that landed after the order was cancelled or
    /// failed (the customer cancelled while the charge was in flight, or
    /// the gateway reported a success the charge step never heard of), so
    /// it can be refunded.
    pub async fn record_capture_after_cancel(
        &self,
        order_id: &str,
        record: &PaymentRecord,
        now: &str,
    ) -> Result<Order, StepWriteError> {
        self.update_payment(
            order_id,
            record,
            SET_PAYMENT,
            "#status IN (:cancelled, :failed, :rejected) AND \
             (attribute_not_exists(paymentRecord) OR paymentRecord.#pstatus = :declined)",
            &[
                (":cancelled", s(OrderStatus::Cancelled.as_str())),
                (":failed", s(OrderStatus::PaymentFailed.as_str())),
                (":rejected", s(OrderStatus::Rejected.as_str())),
                (":declined", s("DECLINED")),
            ],
            now,
        )
        .await
    }

    /// Records a refund made outside the workflow (from the gateway's
    /// dashboard), reported by its webhook: sets the refunded amount, and
    /// REFUNDED once all of it is back. Only ever raises the amount.
    pub async fn record_external_refund(
        &self,
        order_id: &str,
        record: &PaymentRecord,
        now: &str,
    ) -> Result<Order, StepWriteError> {
        let refunded = record.refunded.as_ref().map(|m| m.amount).unwrap_or(0);
        self.update_payment(
            order_id,
            record,
            SET_PAYMENT,
            "paymentRecord.#pstatus = :captured AND \
             (attribute_not_exists(paymentRecord.refunded.#amount) OR paymentRecord.refunded.#amount < :refunded)",
            &[(":captured", s("CAPTURED")), (":refunded", n(refunded))],
            now,
        )
        .await
    }

    /// Sets the payment record (and whatever else `update_expression`
    /// says) if `condition` holds; otherwise returns the order as it is.
    async fn update_payment(
        &self,
        order_id: &str,
        record: &PaymentRecord,
        update_expression: &str,
        condition: &str,
        values: &[(&str, AttributeValue)],
        now: &str,
    ) -> Result<Order, StepWriteError> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.tables.orders)
            .key("orderId", s(order_id))
            .update_expression(update_expression)
            .condition_expression(condition)
            .expression_attribute_values(":payment", value(record)?)
            .expression_attribute_values(":now", s(now))
            .return_values(ReturnValue::AllNew);
        if condition.contains("#status") || update_expression.contains("#status") {
            update = update.expression_attribute_names("#status", "status");
        }
        if condition.contains("#pstatus") {
            update = update.expression_attribute_names("#pstatus", "status");
        }
        if condition.contains("#amount") {
            update = update.expression_attribute_names("#amount", "amount");
        }
        for (k, v) in values {
            update = update.expression_attribute_values(*k, v.clone());
        }
        match update.send().await {
            Ok(out) => Ok(from_item(out.attributes.unwrap_or_default())?),
            Err(e) if condition_failed(&e) => Err(self.current(order_id).await?),
            Err(e) => Err(unexpected("recording a payment", e).into()),
        }
    }

    /// Gives held stock back to `available`, once.
    pub async fn release_stock(&self, order: &Order, now: &str) -> Result<(), StepWriteError> {
        self.move_stock(
            order,
            "SET reserved = reserved - :qty, available = available + :qty, updatedAt = :now",
            "SET stockState = :released, updatedAt = :now",
            "stockState = :held",
            &[(":released", s("RELEASED"))],
            now,
        )
        .await
    }

    /// Takes shipped units off `onHand` and marks the order SHIPPED, once:
    /// conditional on the stock still being held and the order still being
    /// in the status it was read in, PAID (the automatic step) or
    /// AWAITING_FULFILMENT (staff shipping it from the fulfilment queue),
    /// so a cancellation that came first wins, and on its address being the
    /// one the parcel was booked to (the customer may change it until it
    /// ships: a booking to the old address is then refused, and the caller
    /// reads the order again).
    pub async fn commit_stock_and_ship(
        &self,
        order: &Order,
        shipment: &Shipment,
        now: &str,
    ) -> Result<(), StepWriteError> {
        if !OrderStatus::Shipped.can_follow(order.status) {
            return Err(anyhow::anyhow!(
                "order {} was read as {}, which cannot ship",
                order.order_id,
                order.status.as_str()
            )
            .into());
        }
        let change = StatusChange {
            status: OrderStatus::Shipped,
            at: now.to_string(),
            reason: Some(format!("{} {}", shipment.carrier, shipment.tracking_number)),
        };
        self.move_stock(
            order,
            "SET onHand = onHand - :qty, reserved = reserved - :qty, updatedAt = :now",
            "SET stockState = :committed, #status = :shipped, shipment = :shipment, \
             trackingNumber = :tracking, statusHistory = list_append(statusHistory, :entry), updatedAt = :now",
            "stockState = :held AND #status = :read AND shippingAddress = :address",
            &[
                (":committed", s("COMMITTED")),
                (":shipped", s(OrderStatus::Shipped.as_str())),
                (":read", s(order.status.as_str())),
                (":address", value(&order.shipping_address)?),
                (":shipment", value(shipment)?),
                (":tracking", s(&shipment.tracking_number)),
                (":entry", history(&change)?),
            ],
            now,
        )
        .await
    }

    async fn move_stock(
        &self,
        order: &Order,
        product_update: &str,
        order_update: &str,
        order_condition: &str,
        order_values: &[(&str, AttributeValue)],
        now: &str,
    ) -> Result<(), StepWriteError> {
        let mut tx = self.client.transact_write_items();
        for line in &order.lines {
            let update = Update::builder()
                .table_name(&self.tables.products)
                .key("sku", s(line.sku.as_str()))
                .update_expression(product_update)
                .condition_expression("attribute_exists(sku)")
                .expression_attribute_values(":qty", n(line.quantity))
                .expression_attribute_values(":now", s(now))
                .build()
                .map_err(|e| anyhow::anyhow!("building a stock update: {e}"))?;
            tx = tx.transact_items(TransactWriteItem::builder().update(update).build());
        }
        let mut update = Update::builder()
            .table_name(&self.tables.orders)
            .key("orderId", s(&order.order_id))
            .update_expression(order_update)
            .condition_expression(order_condition)
            .expression_attribute_values(":held", s("HELD"))
            .expression_attribute_values(":now", s(now));
        if order_update.contains("#status") || order_condition.contains("#status") {
            update = update.expression_attribute_names("#status", "status");
        }
        for (k, v) in order_values {
            update = update.expression_attribute_values(*k, v.clone());
        }
        let update = update
            .build()
            .map_err(|e| anyhow::anyhow!("building the order update: {e}"))?;
        tx = tx.transact_items(TransactWriteItem::builder().update(update).build());
        match tx.send().await {
            Ok(_) => Ok(()),
            Err(e) if is_cancelled(&e) => Err(self.current(&order.order_id).await?),
            Err(e) => Err(unexpected("moving stock", e).into()),
        }
    }

    /// The order shipped under a tracking number.
    pub async fn find_order_by_tracking_number(
        &self,
        tracking_number: &str,
    ) -> anyhow::Result<Option<Order>> {
        self.find_order_by_key_index(
            BY_TRACKING_NUMBER_INDEX,
            "trackingNumber",
            tracking_number,
            "finding an order by tracking number",
        )
        .await
    }

    /// Records a carrier event once per event id: appended to the order's
    /// tracking events and, for `delivered`, SHIPPED → DELIVERED. Returns
    /// false when the event id was seen before.
    pub async fn record_carrier_event(
        &self,
        order: &Order,
        event: &TrackingEvent,
        now: &str,
    ) -> Result<bool, StepWriteError> {
        let delivers = event.kind == "delivered" && order.status == OrderStatus::Shipped;
        let change = StatusChange {
            status: OrderStatus::Delivered,
            at: now.to_string(),
            reason: None,
        };
        let claim = aws_sdk_dynamodb::types::Put::builder()
            .table_name(&self.tables.idempotency)
            .item("pk", s(format!("carrier-event#{}", event.event_id)))
            .item("orderId", s(&order.order_id))
            .item(
                "expiresAt",
                n(chrono::Utc::now().timestamp() + 90 * 24 * 3600),
            )
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(|e| anyhow::anyhow!("building the event claim: {e}"))?;
        let mut update = Update::builder()
            .table_name(&self.tables.orders)
            .key("orderId", s(&order.order_id))
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":event", AttributeValue::L(vec![value(event)?]))
            .expression_attribute_values(":empty", AttributeValue::L(vec![]))
            .expression_attribute_values(":now", s(now))
            .expression_attribute_values(":current", s(order.status.as_str()));
        update = if delivers {
            update
                .update_expression(
                    "SET trackingEvents = list_append(if_not_exists(trackingEvents, :empty), :event), \
                     #status = :delivered, statusHistory = list_append(statusHistory, :entry), updatedAt = :now",
                )
                .expression_attribute_values(":delivered", s(OrderStatus::Delivered.as_str()))
                .expression_attribute_values(":entry", history(&change)?)
        } else {
            update.update_expression(
                "SET trackingEvents = list_append(if_not_exists(trackingEvents, :empty), :event), updatedAt = :now",
            )
        };
        let update = update
            .condition_expression("#status = :current")
            .build()
            .map_err(|e| anyhow::anyhow!("building the order update: {e}"))?;
        let result = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(claim).build())
            .transact_items(TransactWriteItem::builder().update(update).build())
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_cancelled(&e) => {
                let seen = self
                    .client
                    .get_item()
                    .table_name(&self.tables.idempotency)
                    .key("pk", s(format!("carrier-event#{}", event.event_id)))
                    .consistent_read(true)
                    .send()
                    .await
                    .map_err(|e| unexpected("reading an event claim", e))?
                    .item
                    .is_some();
                if seen {
                    Ok(false)
                } else {
                    // The order changed under us; the caller retries.
                    Err(self.current(&order.order_id).await?)
                }
            }
            Err(e) => Err(unexpected("recording a carrier event", e).into()),
        }
    }

    /// Claims the right to send e-mail `kind` for an order for `lease`:
    /// granted when nobody claimed it, or when a claim was never marked sent
    /// and its lease ran out (the invocation that made it died before it
    /// sent, or before it could say so).
    pub async fn claim_notification(
        &self,
        order_id: &str,
        kind: &str,
        now: &str,
        lease: std::time::Duration,
    ) -> anyhow::Result<Claim> {
        let pk = format!("email#{order_id}#{kind}");
        let now_ms = chrono::Utc::now().timestamp_millis();
        let result = self
            .client
            .put_item()
            .table_name(&self.tables.idempotency)
            .item("pk", s(&pk))
            .item("claimedAt", s(now))
            .item("leaseUntil", n(now_ms + lease.as_millis() as i64))
            .item(
                "expiresAt",
                n(chrono::Utc::now().timestamp() + 90 * 24 * 3600),
            )
            // A claim without a lease is from before leases, when a claim
            // meant the e-mail went out.
            .condition_expression(
                "attribute_not_exists(pk) OR (attribute_exists(leaseUntil) \
                 AND attribute_not_exists(sentAt) AND leaseUntil < :now)",
            )
            .expression_attribute_values(":now", n(now_ms))
            .send()
            .await;
        match result {
            Ok(_) => Ok(Claim::Claimed),
            Err(e) if condition_failed(&e) => {
                let current = self
                    .client
                    .get_item()
                    .table_name(&self.tables.idempotency)
                    .key("pk", s(&pk))
                    .consistent_read(true)
                    .send()
                    .await
                    .map_err(|e| unexpected("reading an e-mail claim", e))?
                    .item
                    .unwrap_or_default();
                let sent = current.contains_key("sentAt") || !current.contains_key("leaseUntil");
                Ok(if sent { Claim::Sent } else { Claim::Held })
            }
            Err(e) => Err(unexpected("claiming an e-mail", e)),
        }
    }

    /// Marks a claimed e-mail sent: no later claim is granted.
    pub async fn notification_sent(
        &self,
        order_id: &str,
        kind: &str,
        now: &str,
    ) -> anyhow::Result<()> {
        self.client
            .update_item()
            .table_name(&self.tables.idempotency)
            .key("pk", s(format!("email#{order_id}#{kind}")))
            .update_expression("SET sentAt = :now")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":now", s(now))
            .send()
            .await
            .map_err(|e| unexpected("marking an e-mail sent", e))?;
        Ok(())
    }

    /// Whether a webhook event (`source`, `event_id`) was processed already.
    pub async fn webhook_event_processed(
        &self,
        source: &str,
        event_id: &str,
    ) -> anyhow::Result<bool> {
        let out = self
            .client
            .get_item()
            .table_name(&self.tables.idempotency)
            .key("pk", s(format!("webhook#{source}#{event_id}")))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unexpected("reading a webhook event", e))?;
        Ok(out.item.is_some())
    }

    /// Remembers that a webhook event was processed, for 30 days (the
    /// gateway retries for 3 days at most).
    pub async fn mark_webhook_event_processed(
        &self,
        source: &str,
        event_id: &str,
        event_type: &str,
        now: &str,
    ) -> anyhow::Result<()> {
        self.client
            .put_item()
            .table_name(&self.tables.idempotency)
            .item("pk", s(format!("webhook#{source}#{event_id}")))
            .item("eventType", s(event_type))
            .item("processedAt", s(now))
            .item(
                "expiresAt",
                n(chrono::Utc::now().timestamp() + 30 * 24 * 3600),
            )
            .send()
            .await
            .map_err(|e| unexpected("recording a webhook event", e))?;
        Ok(())
    }

    /// Gives a claim back after the e-mail could not be sent, so a retry sends it.
    pub async fn release_notification(&self, order_id: &str, kind: &str) -> anyhow::Result<()> {
        self.client
            .delete_item()
            .table_name(&self.tables.idempotency)
            .key("pk", s(format!("email#{order_id}#{kind}")))
            .send()
            .await
            .map_err(|e| unexpected("releasing an e-mail claim", e))?;
        Ok(())
    }
}
