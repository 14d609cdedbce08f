//! Payment events: every capture, decline and refund of every order, as the
//! admin payments list shows them, derived from the changes of an order's
//! payment record (the Orders table's stream images).
//!
//! - a **capture** when the payment becomes captured (from none, or from a
//!   decline: a capture the gateway reported after the order had failed);
//! - a **decline** when the payment becomes declined;
//! - a **refund** whenever the payment's refunded amount grows, whatever
//!   the path (a return, an admin refund, compensation after a failure or
//!   a cancellation, a refund made in the gateway's dashboard): the growth.
//!
//! Each event has a key unique for its order (`capture`, `decline`,
//! `refund#<refunded so far>`), so a stream record delivered twice yields
//! the same events, which the store records once.

use serde::{Deserialize, Serialize};

use super::analytics::day_of;
use super::money::Money;
use super::order::{Order, OrderStatus, PaymentRecord, PaymentStatus};
use super::returns::RefundStatus;
use super::ValidationError;

/// What happened to the money.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentEventKind {
    Capture,
    Decline,
    Refund,
}

impl PaymentEventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Capture => "capture",
            Self::Decline => "decline",
            Self::Refund => "refund",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Capture, Self::Decline, Self::Refund]
            .into_iter()
            .find(|k| k.as_str() == value)
    }
}

/// One capture, decline or refund, as the admin payments list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentEvent {
    /// `<orderId>:<key>`: unique, and the same however often the order's
    /// change is delivered.
    pub event_id: String,
    pub kind: PaymentEventKind,
    pub order_id: String,
    pub order_number: String,
    /// Captured, declined (the amount attempted) or refunded.
    pub amount: Money,
    pub method_type: Option<String>,
    pub brand: Option<String>,
    pub last4: Option<String>,
    /// The gateway's payment id (capture, decline) or refund id (refund).
    pub reference: Option<String>,
    pub decline_code: Option<String>,
    /// Why money went back: the refund's reason (returns, admin refunds) or
    /// the reason the order was cancelled or failed; `None` when the
    /// order's change does not say (a gateway-dashboard refund, or a
    /// compensation refund recorded before the order was marked failed).
    pub reason: Option<String>,
    /// When the gateway's answer was recorded (RFC 3339, UTC).
    pub at: String,
}

impl PaymentEvent {
    /// The key that is unique for the event within its order.
    pub fn key(&self) -> &str {
        self.event_id
            .strip_prefix(&self.order_id)
            .and_then(|k| k.strip_prefix(':'))
            .unwrap_or(&self.event_id)
    }

    /// The UTC day the event happened on.
    pub fn day(&self) -> Result<chrono::NaiveDate, ValidationError> {
        day_of(&self.at)
    }
}

fn captured(p: &PaymentRecord) -> bool {
    matches!(p.status, PaymentStatus::Captured | PaymentStatus::Refunded)
}

fn refunded(p: Option<&PaymentRecord>) -> i64 {
    p.filter(|p| captured(p))
        .and_then(|p| p.refunded.as_ref())
        .map_or(0, |m| m.amount)
}

/// Why a refund in the change `old` → `new` was made, when the order says.
fn refund_reason(old: Option<&Order>, new: &Order, refund_id: Option<&str>) -> Option<String> {
    let succeeded_before = |key: &str| {
        old.is_some_and(|o| {
            o.after_sales
                .refunds
                .iter()
                .any(|r| r.key == key && r.status == RefundStatus::Succeeded)
        })
    };
    let newly: Vec<_> = new
        .after_sales
        .refunds
        .iter()
        .filter(|r| r.status == RefundStatus::Succeeded && !succeeded_before(&r.key))
        .collect();
    let entry = newly
        .iter()
        .find(|r| refund_id.is_some() && r.refund_id.as_deref() == refund_id)
        .or(newly.first());
    if let Some(entry) = entry {
        return Some(entry.reason.clone());
    }
    if matches!(
        new.status,
        OrderStatus::Cancelled | OrderStatus::PaymentFailed | OrderStatus::Rejected
    ) {
        return new
            .status_history
            .iter()
            .rev()
            .find(|c| c.status == new.status)
            .and_then(|c| c.reason.clone());
    }
    None
}

/// The payment events in one change of an order, `old` → `new` (a stream
/// record's images; `old` is `None` for a new order).
pub fn payment_events(old: Option<&Order>, new: &Order) -> Vec<PaymentEvent> {
    let Some(p) = new.payment_record.as_ref() else {
        return Vec::new();
    };
    let before = old.and_then(|o| o.payment_record.as_ref());
    let event = |kind: PaymentEventKind, key: String, amount: Money| PaymentEvent {
        event_id: format!("{}:{key}", new.order_id),
        kind,
        order_id: new.order_id.clone(),
        order_number: new.order_number.clone(),
        amount,
        method_type: p.method_type.clone(),
        brand: p.brand.clone(),
        last4: p.last4.clone(),
        reference: p.payment_id.clone(),
        decline_code: None,
        reason: None,
        at: p.updated_at.clone(),
    };
    let mut out = Vec::new();
    if p.status == PaymentStatus::Declined
        && !before.is_some_and(|b| b.status == PaymentStatus::Declined)
    {
        out.push(PaymentEvent {
            decline_code: p.decline_code.clone(),
            ..event(
                PaymentEventKind::Decline,
                "decline".into(),
                p.amount.clone(),
            )
        });
    }
    if captured(p) && !before.is_some_and(captured) {
        out.push(event(
            PaymentEventKind::Capture,
            "capture".into(),
            p.amount.clone(),
        ));
    }
    let (was, is) = (refunded(before), refunded(Some(p)));
    if is > was {
        let amount = Money {
            amount: is - was,
            currency: p.amount.currency.clone(),
        };
        out.push(PaymentEvent {
            reference: p.refund_id.clone(),
            reason: refund_reason(old, new, p.refund_id.as_deref()),
            ..event(PaymentEventKind::Refund, format!("refund#{is}"), amount)
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(amount: i64) -> serde_json::Value {
        serde_json::json!({ "amount": amount, "currency": "USD" })
    }

    fn order(
        status: &str,
        payment: Option<serde_json::Value>,
        refunds: serde_json::Value,
    ) -> Order {
        serde_json::from_value(serde_json::json!({
            "orderId": "o1", "orderNumber": "ORD-000001", "customerSub": "alice",
            "customer": { "name": "Alice", "email": "alice@example.com" },
            "shippingAddress": { "line1": "1 Main St", "city": "Springfield",
                                 "postalCode": "62701", "country": "US" },
            "payment": { "methodToken": "pm_card_visa" },
            "lines": [{ "sku": "TEE", "name": "Tee", "quantity": 2, "unitPrice": usd(1800),
                        "lineTotal": usd(3600) }],
            "subtotal": usd(3600), "total": usd(3600), "status": status,
            "statusHistory": [{ "status": status, "at": "2026-03-05T08:00:00.000Z",
                                "reason": "cancelled by the customer" }],
            "cartId": "c1",
            "createdAt": "2026-03-01T23:59:59.000Z", "updatedAt": "2026-03-05T08:00:00.000Z",
            "paymentRecord": payment,
            "afterSales": { "refunds": refunds }
        }))
        .unwrap()
    }

    fn payment(
        status: &str,
        refunded: Option<i64>,
        refund_id: Option<&str>,
    ) -> Option<serde_json::Value> {
        Some(serde_json::json!({
            "provider": "sandbox", "status": status, "paymentId": "pi_1", "amount": usd(3600),
            "methodType": "card", "brand": "visa", "last4": "4242",
            "refunded": refunded.map(usd), "refundId": refund_id,
            "updatedAt": "2026-03-02T10:00:00.000Z"
        }))
    }

    #[test]
    fn a_capture_is_one_event_and_a_repeat_of_the_change_is_the_same_event() {
        let before = order("RESERVED", None, serde_json::json!([]));
        let after = order(
            "PAID",
            payment("CAPTURED", None, None),
            serde_json::json!([]),
        );
        let events = payment_events(Some(&before), &after);
        assert_eq!(events.len(), 1);
        let e = &events[0];
        assert_eq!(
            (e.kind, e.key(), e.amount.amount),
            (PaymentEventKind::Capture, "capture", 3600)
        );
        assert_eq!(e.event_id, "o1:capture");
        assert_eq!(e.reference.as_deref(), Some("pi_1"));
        assert_eq!(
            (e.brand.as_deref(), e.last4.as_deref()),
            (Some("visa"), Some("4242"))
        );
        assert_eq!(e.at, "2026-03-02T10:00:00.000Z");
        assert_eq!(payment_events(Some(&before), &after), events);
        assert!(payment_events(Some(&after), &after).is_empty());
    }

    #[test]
    fn a_decline_carries_its_code_and_a_late_capture_after_it_is_a_capture() {
        let before = order("RESERVED", None, serde_json::json!([]));
        let mut declined = order(
            "RESERVED",
            payment("DECLINED", None, None),
            serde_json::json!([]),
        );
        if let Some(p) = declined.payment_record.as_mut() {
            p.decline_code = Some("card_declined".into());
            p.payment_id = None;
        }
        let events = payment_events(Some(&before), &declined);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind, PaymentEventKind::Decline);
        assert_eq!(events[0].decline_code.as_deref(), Some("card_declined"));
        assert_eq!(events[0].reference, None);
        let late = order(
            "CANCELLED",
            payment("CAPTURED", None, None),
            serde_json::json!([]),
        );
        let events = payment_events(Some(&declined), &late);
        assert_eq!(
            events.iter().map(|e| e.kind).collect::<Vec<_>>(),
            [PaymentEventKind::Capture]
        );
    }

    #[test]
    fn refunds_count_their_growth_with_the_refund_id_and_the_reason_the_order_gives() {
        let paid = order(
            "DELIVERED",
            payment("CAPTURED", None, None),
            serde_json::json!([]),
        );
        let entry = |status: &str| {
            serde_json::json!([{ "key": "return-r1", "amount": usd(1800), "reason": "too small",
                                 "status": status, "refundId": "re_1", "at": "2026-03-04T09:00:00.000Z" }])
        };
        let pending = order(
            "DELIVERED",
            payment("CAPTURED", None, None),
            entry("PENDING"),
        );
        assert!(payment_events(Some(&paid), &pending).is_empty());
        let partly = order(
            "PARTIALLY_REFUNDED",
            payment("CAPTURED", Some(1800), Some("re_1")),
            entry("SUCCEEDED"),
        );
        let events = payment_events(Some(&pending), &partly);
        assert_eq!(events.len(), 1);
        let e = &events[0];
        assert_eq!(
            (e.kind, e.key(), e.amount.amount),
            (PaymentEventKind::Refund, "refund#1800", 1800)
        );
        assert_eq!(e.reference.as_deref(), Some("re_1"));
        assert_eq!(e.reason.as_deref(), Some("too small"));
        // The rest refunded at the gateway: the growth, and no reason given.
        let rest = order(
            "PARTIALLY_REFUNDED",
            payment("REFUNDED", Some(3600), Some("re_2")),
            entry("SUCCEEDED"),
        );
        let events = payment_events(Some(&partly), &rest);
        assert_eq!(events[0].amount.amount, 1800);
        assert_eq!(events[0].key(), "refund#3600");
        assert_eq!(events[0].reason, None);
        // Refunding a cancelled order gives the cancellation's reason.
        let cancelled = order(
            "CANCELLED",
            payment("CAPTURED", None, None),
            serde_json::json!([]),
        );
        let refunded = order(
            "CANCELLED",
            payment("REFUNDED", Some(3600), Some("re_3")),
            serde_json::json!([]),
        );
        let events = payment_events(Some(&cancelled), &refunded);
        assert_eq!(
            events[0].reason.as_deref(),
            Some("cancelled by the customer")
        );
    }

    #[test]
    fn kinds_parse_from_their_names_only() {
        assert_eq!(
            PaymentEventKind::parse("refund"),
            Some(PaymentEventKind::Refund)
        );
        assert_eq!(PaymentEventKind::parse("Refund"), None);
        assert_eq!(PaymentEventKind::parse("charge"), None);
    }
}
