//! Orders, their statuses and the transitions allowed between them.

use serde::{Deserialize, Serialize};

use super::checkout::{Address, Customer};
use super::money::Money;
use super::product::Sku;

/// Where an order is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    /// Written at checkout; the workflow has not reserved stock yet.
    Pending,
    /// A backorderable product was short: the order waits for stock,
    /// holding nothing, and resumes in order of placement when it arrives.
    Backordered,
    /// Every line's stock is held for the order.
    Reserved,
    Paid,
    /// Paid, in the fulfilment queue: staff pick, pack and ship it (the
    /// shop's fulfilment mode is MANUAL); the workflow waits on a stored
    /// task token.
    AwaitingFulfilment,
    Shipped,
    Delivered,
    /// Stock was short for at least one line; nothing is held.
    Rejected,
    PaymentFailed,
    Cancelled,
    /// Delivered, and part of the payment refunded (returns, or an admin).
    PartiallyRefunded,
    /// Delivered, and all of the payment refunded.
    Refunded,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 12] = [
        Self::Pending,
        Self::Backordered,
        Self::Reserved,
        Self::Paid,
        Self::AwaitingFulfilment,
        Self::Shipped,
        Self::Delivered,
        Self::Rejected,
        Self::PaymentFailed,
        Self::Cancelled,
        Self::PartiallyRefunded,
        Self::Refunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Backordered => "BACKORDERED",
            Self::Reserved => "RESERVED",
            Self::Paid => "PAID",
            Self::AwaitingFulfilment => "AWAITING_FULFILMENT",
            Self::Shipped => "SHIPPED",
            Self::Delivered => "DELIVERED",
            Self::Rejected => "REJECTED",
            Self::PaymentFailed => "PAYMENT_FAILED",
            Self::Cancelled => "CANCELLED",
            Self::PartiallyRefunded => "PARTIALLY_REFUNDED",
            Self::Refunded => "REFUNDED",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// The statuses an order may move to this one from.
    pub fn allowed_previous(self) -> &'static [OrderStatus] {
        use OrderStatus::*;
        match self {
            Pending => &[],
            Backordered | Rejected => &[Pending],
            Reserved => &[Pending, Backordered],
            Paid | PaymentFailed => &[Reserved],
            AwaitingFulfilment => &[Paid],
            Shipped => &[Paid, AwaitingFulfilment],
            Delivered => &[Shipped],
            Cancelled => &[Pending, Backordered, Reserved, Paid, AwaitingFulfilment],
            PartiallyRefunded => &[Delivered],
            Refunded => &[Delivered, PartiallyRefunded],
        }
    }

    pub fn can_follow(self, previous: OrderStatus) -> bool {
        self.allowed_previous().contains(&previous)
    }
}

/// One entry of an order's status history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub status: OrderStatus,
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One priced line, frozen at checkout.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderLine {
    pub sku: Sku,
    pub name: String,
    pub quantity: u32,
    pub unit_price: Money,
    pub line_total: Money,
    /// This line's share of the order's promotion discount; the customer
    /// paid `line_total - discount` for its units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<Money>,
    /// The tax on `line_total - discount` (absent on orders placed before
    /// tax was computed, and where no rate applied).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax: Option<Money>,
}

impl OrderLine {
    /// What the customer paid for this line's goods: its total less its
    /// discount (tax included only when prices include it).
    pub fn paid(&self) -> i64 {
        self.line_total.amount - self.discount.as_ref().map_or(0, |d| d.amount)
    }

    /// The line's tax in minor units.
    pub fn tax_amount(&self) -> i64 {
        self.tax.as_ref().map_or(0, |t| t.amount)
    }
}

/// The shipping option an order was placed with, frozen at checkout.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderShipping {
    pub option_id: String,
    pub name: String,
    pub carrier_service: String,
    pub price: Money,
    /// The tax on the shipping price.
    pub tax: Money,
}

/// The promotion an order was placed with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppliedPromotion {
    pub code: String,
    #[serde(default)]
    pub description: String,
    /// Taken off the subtotal: `total = subtotal - discount`.
    pub discount: Money,
    /// Set once a cancelled or failed order has given its use back.
    #[serde(default)]
    pub use_returned: bool,
}

/// How the customer pays: the gateway's token, never card data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentMethod {
    pub method_token: String,
}

/// Whether the order's stock is held, given back or gone out of the door.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StockState {
    /// Nothing reserved (yet, or ever).
    #[default]
    NotHeld,
    /// Reserved: counted in `reserved`, not in `available`.
    Held,
    /// Given back to `available` by compensation or cancellation.
    Released,
    /// Shipped: taken off `onHand`.
    Committed,
}

/// Where the money stands with the gateway.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentStatus {
    Captured,
    Declined,
    Refunded,
}

/// What the order keeps of its payment: the provider's ids and what the
/// customer may see of the method, never card data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRecord {
    pub provider: String,
    pub status: PaymentStatus,
    #[serde(default)]
    pub payment_id: Option<String>,
    #[serde(default)]
    pub method_type: Option<String>,
    #[serde(default)]
    pub brand: Option<String>,
    #[serde(default)]
    pub last4: Option<String>,
    pub amount: Money,
    #[serde(default)]
    pub decline_code: Option<String>,
    #[serde(default)]
    pub refund_id: Option<String>,
    #[serde(default)]
    pub refunded: Option<Money>,
    pub updated_at: String,
}

impl PaymentRecord {
    /// A captured payment as the gateway reported it.
    pub fn captured(
        provider: impl Into<String>,
        payment_id: String,
        method_type: String,
        brand: Option<String>,
        last4: Option<String>,
        amount: Money,
        now: &str,
    ) -> Self {
        Self {
            provider: provider.into(),
            status: PaymentStatus::Captured,
            payment_id: Some(payment_id),
            method_type: Some(method_type),
            brand,
            last4,
            amount,
            decline_code: None,
            refund_id: None,
            refunded: None,
            updated_at: now.to_string(),
        }
    }

    /// A declined charge with the issuer's or gateway's reason.
    pub fn declined(
        provider: impl Into<String>,
        payment_id: Option<String>,
        amount: Money,
        code: String,
        now: &str,
    ) -> Self {
        Self {
            provider: provider.into(),
            status: PaymentStatus::Declined,
            payment_id,
            method_type: None,
            brand: None,
            last4: None,
            amount,
            decline_code: Some(code),
            refund_id: None,
            refunded: None,
            updated_at: now.to_string(),
        }
    }
}

/// The parcel, once a carrier has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Shipment {
    pub carrier: String,
    pub tracking_number: String,
    pub tracking_url: String,
    pub shipped_at: String,
}

/// What the carrier reported about the parcel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackingEvent {
    pub event_id: String,
    /// `in_transit`, `out_for_delivery`, `delivered` or `exception`.
    #[serde(rename = "type")]
    pub kind: String,
    pub at: String,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// An order as stored and shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub order_id: String,
    pub order_number: String,
    pub customer_sub: String,
    pub customer: Customer,
    pub shipping_address: Address,
    #[serde(default)]
    pub billing_address: Option<Address>,
    pub payment: PaymentMethod,
    pub lines: Vec<OrderLine>,
    pub subtotal: Money,
    /// The promotion's discount (absent on orders placed before totals
    /// carried it; then `promotion.discount`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<Money>,
    /// The shipping charged (absent on orders placed before shipping was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Money>,
    /// All the tax of the order: its lines' and its shipping's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax: Option<Money>,
    /// Whether prices included tax (then `tax` is part of `total`).
    #[serde(default)]
    pub tax_included: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_option: Option<OrderShipping>,
    pub total: Money,
    pub status: OrderStatus,
    pub status_history: Vec<StatusChange>,
    pub cart_id: String,
    pub created_at: String,
    pub updated_at: String,
    #[serde(default)]
    pub stock_state: StockState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_record: Option<PaymentRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipment: Option<Shipment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tracking_events: Vec<TrackingEvent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion: Option<AppliedPromotion>,
    /// While BACKORDERED: the task token the workflow waits on, so
    /// receiving stock can resume it (never shown to anyone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backorder_token: Option<String>,
    /// Returns and refunds after delivery.
    #[serde(default)]
    pub after_sales: super::returns::AfterSales,
    /// When the customer's personal data was erased from the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erased_at: Option<String>,
}

impl Order {
    /// The order's tax in minor units.
    pub fn tax_amount(&self) -> i64 {
        self.tax.as_ref().map_or(0, |t| t.amount)
    }

    /// The shipping charged in minor units.
    pub fn shipping_amount(&self) -> i64 {
        self.shipping.as_ref().map_or(0, |t| t.amount)
    }

    /// The tax on shipping in minor units.
    pub fn shipping_tax_amount(&self) -> i64 {
        self.shipping_option.as_ref().map_or(0, |s| s.tax.amount)
    }
}

/// Formats the customer-facing order number from the shop's sequence.
pub fn order_number(sequence: i64) -> String {
    format!("ORD-{sequence:06}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_order_can_be_reserved_or_rejected_but_not_shipped() {
        assert!(OrderStatus::Reserved.can_follow(OrderStatus::Pending));
        assert!(OrderStatus::Rejected.can_follow(OrderStatus::Pending));
        assert!(!OrderStatus::Shipped.can_follow(OrderStatus::Pending));
        assert!(!OrderStatus::Reserved.can_follow(OrderStatus::Reserved));
    }

    #[test]
    fn a_paid_order_waits_for_fulfilment_and_then_ships_or_is_cancelled() {
        use OrderStatus::*;
        assert!(AwaitingFulfilment.can_follow(Paid));
        assert!(Shipped.can_follow(Paid), "the automatic mode ships at once");
        assert!(Shipped.can_follow(AwaitingFulfilment));
        assert!(Cancelled.can_follow(AwaitingFulfilment));
        for earlier in [Pending, Backordered, Reserved, AwaitingFulfilment] {
            assert!(!AwaitingFulfilment.can_follow(earlier), "{earlier:?}");
        }
        for later in [Shipped, Delivered, Cancelled, Refunded] {
            assert!(!AwaitingFulfilment.can_follow(later), "{later:?}");
        }
        assert!(!Delivered.can_follow(AwaitingFulfilment));
        assert!(!PaymentFailed.can_follow(AwaitingFulfilment));
        assert_eq!(
            serde_json::to_value(AwaitingFulfilment).unwrap(),
            serde_json::json!("AWAITING_FULFILMENT")
        );
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(s.as_str())
            );
        }
    }

    #[test]
    fn order_numbers_are_short_and_padded() {
        assert_eq!(order_number(42), "ORD-000042");
    }
}
