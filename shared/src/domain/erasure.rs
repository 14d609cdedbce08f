//! Erasure of a customer's personal data: which orders can be erased now,
//! and what an erased order keeps (amounts, lines, dates, the number, and
//! the country and region the tax records need).

use serde::{Deserialize, Serialize};

use super::checkout::{Address, Customer};
use super::order::{Order, OrderStatus};
use super::returns::{RefundStatus, ReturnStatus};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErasureStatus {
    /// Queued, or waiting for an order in progress to end.
    Pending,
    Complete,
}

/// Who asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErasureSource {
    Admin,
    UserService,
}

/// One customer's erasure, as stored and shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErasureRecord {
    pub customer_sub: String,
    pub status: ErasureStatus,
    pub source: ErasureSource,
    pub requested_at: String,
    pub updated_at: String,
    #[serde(default)]
    pub completed_at: Option<String>,
    #[serde(default)]
    pub orders_erased: u32,
    #[serde(default)]
    pub orders_waiting: u32,
}

/// Whether the order's life is over, so its addresses and contact are no
/// longer needed: a final status, and no return or refund under way.
pub fn has_ended(order: &Order) -> bool {
    use OrderStatus::*;
    let final_status = matches!(
        order.status,
        Delivered | Rejected | PaymentFailed | Cancelled | PartiallyRefunded | Refunded
    );
    let returns_open = order.after_sales.returns.iter().any(|r| {
        matches!(
            r.status,
            ReturnStatus::Requested | ReturnStatus::Approved | ReturnStatus::Receiving
        )
    });
    let refund_pending = order
        .after_sales
        .refunds
        .iter()
        .any(|r| r.status == RefundStatus::Pending);
    final_status && !returns_open && !refund_pending
}

/// An address without who or where: only its country and region remain.
fn redact_address(address: &Address) -> Address {
    Address {
        line1: String::new(),
        line2: None,
        city: String::new(),
        region: address.region.clone(),
        postal_code: String::new(),
        country: address.country.clone(),
    }
}

/// The order without its customer's name, e-mail, phone and addresses.
pub fn redact(order: &Order, now: &str) -> Order {
    let mut erased = order.clone();
    erased.customer = Customer {
        name: String::new(),
        email: String::new(),
        phone: None,
    };
    erased.shipping_address = redact_address(&order.shipping_address);
    erased.billing_address = order.billing_address.as_ref().map(redact_address);
    // A carrier's scan can name the destination's town.
    for event in &mut erased.tracking_events {
        event.location = None;
    }
    erased.erased_at = Some(now.to_string());
    erased
}
