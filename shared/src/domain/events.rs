//! The service's domain events: what the shop's other services hear of an
//! order's life, of stock and of erasures. Each is derived from a committed
//! change (a table's stream images), so an event exists if and only if its
//! change does; its id is derived from the fact it reports, so a stream
//! record handled twice yields the same ids and consumers deduplicate.
//!
//! `schemas/events/<Type>.v1.json` holds each type's JSON Schema and
//! `docs/events.md` is the catalogue.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::order::{Order, OrderStatus, PaymentStatus};
use super::product::Product;
use super::returns::{RefundStatus, ReturnStatus};

/// The schema version every event type is at.
pub const SCHEMA_VERSION: u32 = 1;

macro_rules! event_types {
    ($($variant:ident,)*) => {
        /// Every type of event the service publishes (the `detail-type`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum EventType { $($variant,)* }

        impl EventType {
            pub const ALL: &'static [EventType] = &[$(EventType::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(EventType::$variant => stringify!($variant),)* }
            }
        }
    };
}

event_types! {
    OrderPlaced,
    OrderPaid,
    OrderPaymentFailed,
    OrderRejected,
    OrderBackordered,
    OrderShipped,
    OrderDelivered,
    OrderCancelled,
    RefundIssued,
    ReturnRequested,
    ReturnReceived,
    StockAdjusted,
    StockLow,
    CustomerErased,
}

impl EventType {
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == value)
    }
}

/// One event, as published in EventBridge's `detail` and as the body of a
/// webhook delivery.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainEvent {
    /// Stable across redeliveries: consumers deduplicate on it.
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub version: u32,
    /// When the change happened (not when it was published).
    pub occurred_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_sub: Option<String>,
    pub data: Value,
}

/// A UUID derived from the event's type and the fact it reports: the same
/// fact always gets the same id.
pub fn event_id(kind: EventType, fact: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"order-service/domain-event/");
    hasher.update(kind.as_str().as_bytes());
    for part in fact {
        hasher.update(b"\x1f");
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Uuid::new_v8(bytes).to_string()
}

impl DomainEvent {
    fn about_order(kind: EventType, order: &Order, fact: &[&str], at: &str, data: Value) -> Self {
        let mut parts = vec![order.order_id.as_str()];
        parts.extend_from_slice(fact);
        let mut data = data;
        if let Value::Object(map) = &mut data {
            map.insert("orderNumber".into(), json!(order.order_number));
            map.insert("status".into(), json!(order.status));
        }
        Self {
            id: event_id(kind, &parts),
            kind,
            version: SCHEMA_VERSION,
            occurred_at: at.to_string(),
            order_id: Some(order.order_id.clone()),
            sku: None,
            customer_sub: Some(order.customer_sub.clone()),
            data,
        }
    }
}

/// When (and why) the order entered `status`, from its history.
fn entered(order: &Order, status: OrderStatus) -> (String, Option<String>) {
    order
        .status_history
        .iter()
        .rev()
        .find(|c| c.status == status)
        .map(|c| (c.at.clone(), c.reason.clone()))
        .unwrap_or_else(|| (order.updated_at.clone(), None))
}

fn units(order: &Order) -> Value {
    Value::Array(
        order
            .lines
            .iter()
            .map(|l| json!({ "sku": l.sku, "quantity": l.quantity }))
            .collect(),
    )
}

/// The events one change of an order reports: `old` is `None` when the
/// order was written for the first time.
pub fn order_events(old: Option<&Order>, new: &Order) -> Vec<DomainEvent> {
    let mut events = Vec::new();
    match old {
        None => events.push(placed(new)),
        Some(old) if old.status != new.status => {
            if let Some(event) = status_event(old, new) {
                events.push(event);
            }
        }
        Some(_) => {}
    }
    let empty = Default::default();
    let before = old.map_or(&empty, |o| &o.after_sales);
    for ret in &new.after_sales.returns {
        let was = before.returns.iter().find(|r| r.return_id == ret.return_id);
        if was.is_none() {
            events.push(DomainEvent::about_order(
                EventType::ReturnRequested,
                new,
                &[&ret.return_id],
                &ret.requested_at,
                json!({
                    "returnId": ret.return_id,
                    "lines": ret.lines.iter().map(|l| json!({ "sku": l.sku, "quantity": l.quantity })).collect::<Vec<_>>(),
                    "reason": ret.reason,
                }),
            ));
        }
        let was_waiting = was
            .is_none_or(|r| matches!(r.status, ReturnStatus::Requested | ReturnStatus::Approved));
        if was_waiting && matches!(ret.status, ReturnStatus::Receiving | ReturnStatus::Refunded) {
            events.push(DomainEvent::about_order(
                EventType::ReturnReceived,
                new,
                &[&ret.return_id],
                &ret.updated_at,
                json!({
                    "returnId": ret.return_id,
                    "lines": ret.lines.iter().map(|l| json!({
                        "sku": l.sku,
                        "quantity": l.quantity,
                        "disposition": l.disposition,
                    })).collect::<Vec<_>>(),
                    "refund": ret.refund,
                }),
            ));
        }
    }
    for refund in &new.after_sales.refunds {
        let was_done = before
            .refunds
            .iter()
            .any(|r| r.key == refund.key && r.status == RefundStatus::Succeeded);
        if refund.status == RefundStatus::Succeeded && !was_done {
            events.push(DomainEvent::about_order(
                EventType::RefundIssued,
                new,
                &[&refund.key],
                &refund.at,
                json!({
                    "refundKey": refund.key,
                    "refundId": refund.refund_id,
                    "amount": refund.amount,
                    "tax": refund.tax,
                    "shipping": refund.shipping,
                    "returnId": refund.return_id,
                    "reason": refund.reason,
                }),
            ));
        }
    }
    // The workflow's own refund (a cancellation or a failure after the
    // charge) is kept on the payment record only; refunds after delivery
    // are the entries above (the last of which also marks the record).
    let refunded_before = new
        .after_sales
        .refunds
        .iter()
        .any(|r| r.status == RefundStatus::Succeeded)
        || old
            .and_then(|o| o.payment_record.as_ref())
            .is_some_and(|p| p.status == PaymentStatus::Refunded);
    if let Some(payment) = new
        .payment_record
        .as_ref()
        .filter(|p| p.status == PaymentStatus::Refunded && !refunded_before)
    {
        // The key the workflow gave the gateway for this refund.
        let key = format!("refund-{}", new.order_id);
        events.push(DomainEvent::about_order(
            EventType::RefundIssued,
            new,
            &[&key],
            &payment.updated_at,
            json!({
                "refundKey": key,
                "refundId": payment.refund_id,
                "amount": payment.refunded.as_ref().unwrap_or(&payment.amount),
                "tax": null,
                "shipping": null,
                "returnId": null,
                "reason": entered(new, new.status).1.unwrap_or_else(|| "order not fulfilled".into()),
            }),
        ));
    }
    events
}

fn placed(order: &Order) -> DomainEvent {
    DomainEvent::about_order(
        EventType::OrderPlaced,
        order,
        &[],
        &order.created_at,
        json!({
            "customer": {
                "name": order.customer.name,
                "email": order.customer.email,
                "phone": order.customer.phone,
            },
            "shippingAddress": order.shipping_address,
            "billingAddress": order.billing_address,
            "lines": order.lines,
            "subtotal": order.subtotal,
            "discount": order.discount,
            "shipping": order.shipping,
            "tax": order.tax,
            "taxIncluded": order.tax_included,
            "total": order.total,
            "shippingOption": order.shipping_option.as_ref().map(|o| json!({
                "optionId": o.option_id,
                "name": o.name,
                "carrierService": o.carrier_service,
            })),
            "promotionCode": order.promotion.as_ref().map(|p| p.code.clone()),
        }),
    )
}

fn status_event(old: &Order, new: &Order) -> Option<DomainEvent> {
    let (at, reason) = entered(new, new.status);
    let (kind, data) = match new.status {
        OrderStatus::Paid => {
            let payment = new.payment_record.as_ref();
            (
                EventType::OrderPaid,
                json!({
                    "amount": payment.map_or(&new.total, |p| &p.amount),
                    "provider": payment.map(|p| p.provider.clone()),
                    "paymentId": payment.and_then(|p| p.payment_id.clone()),
                    "methodType": payment.and_then(|p| p.method_type.clone()),
                    "brand": payment.and_then(|p| p.brand.clone()),
                    "last4": payment.and_then(|p| p.last4.clone()),
                }),
            )
        }
        OrderStatus::PaymentFailed => (
            EventType::OrderPaymentFailed,
            json!({
                "amount": new.total,
                "declineCode": new.payment_record.as_ref().and_then(|p| p.decline_code.clone()),
                "reason": reason,
            }),
        ),
        OrderStatus::Rejected => (EventType::OrderRejected, json!({ "reason": reason })),
        OrderStatus::Backordered => (
            EventType::OrderBackordered,
            json!({ "lines": units(new), "reason": reason }),
        ),
        OrderStatus::Shipped => {
            let shipment = new.shipment.as_ref();
            (
                EventType::OrderShipped,
                json!({
                    "carrier": shipment.map(|s| s.carrier.clone()),
                    "trackingNumber": shipment.map(|s| s.tracking_number.clone()),
                    "trackingUrl": shipment.map(|s| s.tracking_url.clone()),
                    "shippedAt": shipment.map_or_else(|| at.clone(), |s| s.shipped_at.clone()),
                    "lines": units(new),
                }),
            )
        }
        OrderStatus::Delivered => (EventType::OrderDelivered, json!({ "deliveredAt": at })),
        OrderStatus::Cancelled => (
            EventType::OrderCancelled,
            json!({ "reason": reason, "previousStatus": old.status }),
        ),
        _ => return None,
    };
    Some(DomainEvent::about_order(kind, new, &[], &at, data))
}

/// A movement in the inventory ledger, as its stream image has it.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StockMovement {
    pub sku: String,
    pub entry_id: String,
    pub delta: i64,
    pub reason: String,
    pub at: String,
}

/// A receipt, write-off or restocked return.
pub fn stock_adjusted(movement: &StockMovement) -> DomainEvent {
    DomainEvent {
        id: event_id(
            EventType::StockAdjusted,
            &[&movement.sku, &movement.entry_id],
        ),
        kind: EventType::StockAdjusted,
        version: SCHEMA_VERSION,
        occurred_at: movement.at.clone(),
        order_id: None,
        sku: Some(movement.sku.clone()),
        customer_sub: None,
        data: json!({
            "entryId": movement.entry_id,
            "delta": movement.delta,
            "reason": movement.reason,
        }),
    }
}

/// A product fell to its low-stock threshold (`since` is when it was
/// flagged, which tells one dip from the next).
pub fn stock_low(product: &Product, since: &str) -> DomainEvent {
    DomainEvent {
        id: event_id(EventType::StockLow, &[product.sku.as_str(), since]),
        kind: EventType::StockLow,
        version: SCHEMA_VERSION,
        occurred_at: since.to_string(),
        order_id: None,
        sku: Some(product.sku.as_str().to_string()),
        customer_sub: None,
        data: json!({
            "name": product.name,
            "available": product.available,
            "onHand": product.on_hand,
            "reserved": product.reserved,
            "threshold": product.low_stock_threshold,
            "allowBackorder": product.allow_backorder,
        }),
    }
}

/// A customer's personal data is gone from the service.
pub fn customer_erased(record: &super::erasure::ErasureRecord) -> Option<DomainEvent> {
    let completed = record.completed_at.as_deref()?;
    Some(DomainEvent {
        id: event_id(
            EventType::CustomerErased,
            &[&record.customer_sub, &record.requested_at],
        ),
        kind: EventType::CustomerErased,
        version: SCHEMA_VERSION,
        occurred_at: completed.to_string(),
        order_id: None,
        sku: None,
        customer_sub: Some(record.customer_sub.clone()),
        data: json!({
            "requestedAt": record.requested_at,
            "source": record.source,
            "ordersErased": record.orders_erased,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(status: &str) -> Order {
        serde_json::from_value(json!({
            "orderId": "0193f0aa-5b1c-7cc0-9a5e-4f1d2b3c4d5e", "orderNumber": "ORD-000001",
            "customerSub": "alice",
            "customer": { "name": "Alice", "email": "alice@example.com", "phone": null },
            "shippingAddress": { "line1": "1 Main St", "city": "Springfield", "postalCode": "62701", "country": "US" },
            "payment": { "methodToken": "pm_card_visa" },
            "lines": [{ "sku": "TEE", "name": "Tee", "quantity": 2,
                        "unitPrice": { "amount": 1000, "currency": "USD" },
                        "lineTotal": { "amount": 2000, "currency": "USD" } }],
            "subtotal": { "amount": 2000, "currency": "USD" },
            "total": { "amount": 2000, "currency": "USD" },
            "status": status,
            "statusHistory": [{ "status": "PENDING", "at": "2026-01-15T09:00:00.000Z" },
                              { "status": status, "at": "2026-01-15T09:05:00.000Z", "reason": "because" }],
            "cartId": "c1", "createdAt": "2026-01-15T09:00:00.000Z", "updatedAt": "2026-01-15T09:05:00.000Z",
        }))
        .unwrap()
    }

    fn kinds(events: &[DomainEvent]) -> Vec<EventType> {
        events.iter().map(|e| e.kind).collect()
    }

    #[test]
    fn the_same_fact_always_has_the_same_id_and_different_facts_different_ones() {
        let a = event_id(EventType::OrderPaid, &["o1"]);
        assert_eq!(a, event_id(EventType::OrderPaid, &["o1"]));
        assert_ne!(a, event_id(EventType::OrderShipped, &["o1"]));
        assert_ne!(a, event_id(EventType::OrderPaid, &["o2"]));
        // Parts are separated: ("ab", "c") is not ("a", "bc").
        assert_ne!(
            event_id(EventType::StockLow, &["ab", "c"]),
            event_id(EventType::StockLow, &["a", "bc"])
        );
        assert_eq!(uuid::Uuid::parse_str(&a).unwrap().get_version_num(), 8);
    }

    #[test]
    fn an_order_written_first_is_placed_and_each_status_it_enters_is_reported_once() {
        let placed = order("PENDING");
        let events = order_events(None, &placed);
        assert_eq!(kinds(&events), [EventType::OrderPlaced]);
        assert_eq!(events[0].data["customer"]["email"], "alice@example.com");
        assert_eq!(events[0].data["orderNumber"], "ORD-000001");

        let paid = order("PAID");
        let events = order_events(Some(&order("RESERVED")), &paid);
        assert_eq!(kinds(&events), [EventType::OrderPaid]);
        assert_eq!(events[0].occurred_at, "2026-01-15T09:05:00.000Z");
        // A change that leaves the status alone reports nothing.
        assert!(order_events(Some(&paid), &paid).is_empty());
        // Reserved is a step of the workflow, not a fact for others.
        assert!(order_events(Some(&placed), &order("RESERVED")).is_empty());

        let cancelled = order_events(Some(&paid), &order("CANCELLED"));
        assert_eq!(kinds(&cancelled), [EventType::OrderCancelled]);
        assert_eq!(cancelled[0].data["reason"], "because");
        assert_eq!(cancelled[0].data["previousStatus"], "PAID");
    }

    #[test]
    fn a_refund_that_completes_the_capture_is_reported_once() {
        let mut before = order("DELIVERED");
        before.payment_record = Some(super::super::order::PaymentRecord::captured(
            "sandbox",
            "pi_1".into(),
            "card".into(),
            None,
            None,
            before.total.clone(),
            "2026-01-15T09:01:00.000Z",
        ));
        let mut after = before.clone();
        after.status = OrderStatus::Refunded;
        after
            .after_sales
            .refunds
            .push(super::super::returns::RefundEntry {
                key: "admin-refund-x".into(),
                amount: after.total.clone(),
                reason: "goodwill".into(),
                return_id: None,
                status: RefundStatus::Succeeded,
                refund_id: Some("re_1".into()),
                at: "2026-01-16T10:00:00.000Z".into(),
                tax: None,
                shipping: None,
            });
        if let Some(p) = after.payment_record.as_mut() {
            p.status = PaymentStatus::Refunded;
        }
        let events = order_events(Some(&before), &after);
        assert_eq!(kinds(&events), [EventType::RefundIssued]);
        assert_eq!(events[0].data["refundKey"], "admin-refund-x");

        // The workflow's own refund of a cancelled order is reported too.
        let mut cancelled = before.clone();
        cancelled.status = OrderStatus::Cancelled;
        let mut refunded = cancelled.clone();
        if let Some(p) = refunded.payment_record.as_mut() {
            p.status = PaymentStatus::Refunded;
        }
        let events = order_events(Some(&cancelled), &refunded);
        assert_eq!(kinds(&events), [EventType::RefundIssued]);
        assert_eq!(
            events[0].data["refundKey"],
            "refund-0193f0aa-5b1c-7cc0-9a5e-4f1d2b3c4d5e"
        );
    }
}
