//! Returns and refunds: what a customer may send back, what it refunds, and
//! the order's refund ledger.
//!
//! A return refunds what was actually paid for the units that come back:
//! each order line keeps its share of any promotion discount, and units are
//! refunded at [`units_share`](super::pricing::units_share), so
//! returning units one at a time refunds to the cent what returning them at
//! once would. Refunds never exceed what was captured.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::money::Money;
use super::order::Order;
use super::pricing::units_share;
use super::product::Sku;
use super::ValidationError;

/// Where a return is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReturnStatus {
    /// Asked for by the customer; an admin approves or rejects it.
    Requested,
    Approved,
    Rejected,
    /// Received and being refunded (the gateway call is under way).
    Receiving,
    /// Received, refunded, restocked where restockable.
    Refunded,
}

impl ReturnStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnStatus::Requested => "REQUESTED",
            ReturnStatus::Approved => "APPROVED",
            ReturnStatus::Rejected => "REJECTED",
            ReturnStatus::Receiving => "RECEIVING",
            ReturnStatus::Refunded => "REFUNDED",
        }
    }
}

/// What happens to a returned unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Disposition {
    /// Back on sale: onHand and available go up.
    Restock,
    /// Not sellable: refunded, not restocked.
    Damaged,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnLine {
    pub sku: Sku,
    pub quantity: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disposition: Option<Disposition>,
}

/// One return of an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReturnRecord {
    pub return_id: String,
    pub lines: Vec<ReturnLine>,
    pub reason: String,
    pub status: ReturnStatus,
    pub requested_at: String,
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Set when received: what it refunds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_id: Option<String>,
}

/// Whether a refund reached the gateway.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RefundStatus {
    /// Recorded; the gateway call may not have happened yet (a retry with
    /// the same key completes it).
    Pending,
    Succeeded,
}

/// One refund of an order: for a return, or issued by an admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundEntry {
    /// The gateway's idempotency key: `return-<returnId>` or
    /// `admin-refund-<orderId>-<Idempotency-Key>`.
    pub key: String,
    pub amount: Money,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_id: Option<String>,
    pub status: RefundStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refund_id: Option<String>,
    pub at: String,
    /// The tax in `amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax: Option<Money>,
    /// The shipping in `amount` (with its tax when prices exclude tax).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Money>,
}

impl RefundEntry {
    pub fn tax_amount(&self) -> i64 {
        self.tax.as_ref().map_or(0, |t| t.amount)
    }

    pub fn shipping_amount(&self) -> i64 {
        self.shipping.as_ref().map_or(0, |t| t.amount)
    }
}

/// An order's returns and refunds, kept on the order and changed together
/// under `returnsVersion` (optimistic concurrency).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AfterSales {
    #[serde(default)]
    pub returns: Vec<ReturnRecord>,
    /// Units per SKU in returns that are not rejected.
    #[serde(default)]
    pub claimed: BTreeMap<String, u32>,
    /// Units per SKU already refunded by returns.
    #[serde(default)]
    pub refunded_units: BTreeMap<String, u32>,
    #[serde(default)]
    pub refunds: Vec<RefundEntry>,
    #[serde(default)]
    pub version: u64,
}

impl AfterSales {
    /// Everything refunded or being refunded, in minor units.
    pub fn refunded_total(&self) -> i64 {
        self.refunds.iter().map(|r| r.amount.amount).sum()
    }

    /// Whether any return still needs an admin.
    pub fn has_open_returns(&self) -> bool {
        self.returns.iter().any(|r| {
            matches!(
                r.status,
                ReturnStatus::Requested | ReturnStatus::Approved | ReturnStatus::Receiving
            )
        })
    }
}

/// What the customer asks to return, checked against the order: SKUs it
/// has, 1 or more units, never more than bought minus already claimed.
pub fn check_request(
    order: &Order,
    after: &AfterSales,
    lines: &[(String, i64)],
) -> Result<Vec<ReturnLine>, ValidationError> {
    if lines.is_empty() {
        return Err(ValidationError::new("lines", "name at least one line"));
    }
    let mut wanted: BTreeMap<Sku, u32> = BTreeMap::new();
    for (sku, quantity) in lines {
        let sku = Sku::parse(sku).map_err(|e| ValidationError::new("lines.sku", e.message))?;
        if *quantity < 1 {
            return Err(ValidationError::new("lines.quantity", "must be at least 1"));
        }
        *wanted.entry(sku).or_default() += u32::try_from(*quantity)
            .map_err(|_| ValidationError::new("lines.quantity", "is too large"))?;
    }
    let mut out = Vec::new();
    for (sku, quantity) in wanted {
        let bought = order
            .lines
            .iter()
            .find(|l| l.sku == sku)
            .map(|l| l.quantity)
            .ok_or_else(|| {
                ValidationError::new("lines.sku", format!("{sku} is not part of the order"))
            })?;
        let claimed = after.claimed.get(sku.as_str()).copied().unwrap_or(0);
        if quantity + claimed > bought {
            return Err(ValidationError::new(
                "lines.quantity",
                format!(
                    "{sku}: {quantity} asked, but only {} of {bought} can still be returned",
                    bought - claimed
                ),
            ));
        }
        out.push(ReturnLine {
            sku,
            quantity,
            disposition: None,
        });
    }
    Ok(out)
}

/// What a refund gives back: the amount, the tax in it and the shipping
/// in it (shipping's tax included when prices exclude tax).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RefundShare {
    pub amount: i64,
    pub tax: i64,
    pub shipping: i64,
}

/// Whether any refund of the order already gave its shipping back.
/// When the customer's return window closes: `window_days` after the
/// order was (last) delivered; `None` before it was delivered.
pub fn returns_close(order: &Order, window_days: u32) -> Option<chrono::DateTime<chrono::Utc>> {
    let delivered = order
        .status_history
        .iter()
        .rev()
        .find(|c| c.status == super::order::OrderStatus::Delivered)?;
    let at = chrono::DateTime::parse_from_rfc3339(&delivered.at).ok()?;
    Some(at.with_timezone(&chrono::Utc) + chrono::Duration::days(i64::from(window_days)))
}

pub fn shipping_refunded(after: &AfterSales) -> bool {
    after.refunds.iter().any(|r| r.shipping_amount() > 0)
}

/// What returning `lines` refunds: each unit at its share of what its line
/// charged (its total less its discount share, plus its tax when prices
/// exclude tax; see [`units_share`]), after the units of that SKU already
/// refunded; plus the shipping charged when `with_shipping` and no refund
/// has given it back yet; capped at what is left of the capture.
pub fn refund_for(
    order: &Order,
    after: &AfterSales,
    lines: &[ReturnLine],
    captured: i64,
    with_shipping: bool,
) -> RefundShare {
    let mut share = RefundShare::default();
    for line in lines {
        let Some(bought) = order.lines.iter().find(|l| l.sku == line.sku) else {
            continue;
        };
        let before = after
            .refunded_units
            .get(line.sku.as_str())
            .copied()
            .unwrap_or(0);
        let units = units_share(bought, order.tax_included, before, line.quantity);
        share.amount += units.amount;
        share.tax += units.tax;
    }
    if with_shipping && !shipping_refunded(after) {
        let shipping_tax = order.shipping_tax_amount();
        let shipping = order.shipping_amount() + if order.tax_included { 0 } else { shipping_tax };
        share.amount += shipping;
        share.shipping = shipping;
        share.tax += shipping_tax;
    }
    let remaining = (captured - after.refunded_total()).max(0);
    if share.amount > remaining {
        share.amount = remaining;
        share.shipping = share.shipping.min(remaining);
        share.tax = share.tax.min(remaining);
    }
    share
}
