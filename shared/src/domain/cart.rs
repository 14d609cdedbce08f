//! Carts: lines of SKUs and quantities, priced on the server on every read.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::money::{Currency, Money};
use super::product::{Product, Sku};
use super::promotion::{LineAmount, NotApplicable, Promotion};
use super::ValidationError;

/// Most units of one SKU a cart may hold.
pub const MAX_LINE_QUANTITY: u32 = 99;
/// Most distinct SKUs a cart may hold (also keeps a reservation within one
/// DynamoDB transaction).
pub const MAX_LINES: usize = 50;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CartStatus {
    Open,
    CheckedOut,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub sku: Sku,
    pub quantity: u32,
}

/// A cart as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cart {
    pub cart_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_sub: Option<String>,
    pub status: CartStatus,
    pub lines: Vec<CartLine>,
    pub created_at: String,
    pub updated_at: String,
    /// Epoch seconds; DynamoDB's TTL attribute, and checked on every read.
    pub expires_at: i64,
    pub version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// The promotion code the customer applied; checked again on every
    /// read and at checkout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_code: Option<String>,
}

/// Why a cart change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CartChangeError {
    #[error("{0}")]
    Invalid(ValidationError),
    #[error("the cart holds no line for SKU {0}")]
    NoSuchLine(Sku),
}

/// A quantity from a request: 1 to [`MAX_LINE_QUANTITY`].
pub fn parse_quantity(quantity: i64) -> Result<u32, ValidationError> {
    if (1..=i64::from(MAX_LINE_QUANTITY)).contains(&quantity) {
        Ok(quantity as u32)
    } else {
        Err(ValidationError::new(
            "quantity",
            format!("must be an integer between 1 and {MAX_LINE_QUANTITY}"),
        ))
    }
}

impl Cart {
    pub fn new(cart_id: String, owner_sub: Option<String>, now: &str, expires_at: i64) -> Self {
        Self {
            cart_id,
            owner_sub,
            status: CartStatus::Open,
            lines: Vec::new(),
            created_at: now.to_string(),
            updated_at: now.to_string(),
            expires_at,
            version: 0,
            order_id: None,
            promotion_code: None,
        }
    }

    pub fn is_expired(&self, now_epoch: i64) -> bool {
        self.expires_at <= now_epoch
    }

    /// Adds units, merging with an existing line of the same SKU.
    pub fn add(&mut self, sku: Sku, quantity: u32) -> Result<(), CartChangeError> {
        if let Some(line) = self.lines.iter_mut().find(|l| l.sku == sku) {
            let merged = line.quantity + quantity;
            if merged > MAX_LINE_QUANTITY {
                return Err(CartChangeError::Invalid(ValidationError::new(
                    "quantity",
                    format!("a cart holds at most {MAX_LINE_QUANTITY} units of one SKU"),
                )));
            }
            line.quantity = merged;
            return Ok(());
        }
        if self.lines.len() >= MAX_LINES {
            return Err(CartChangeError::Invalid(ValidationError::new(
                "sku",
                format!("a cart holds at most {MAX_LINES} different SKUs"),
            )));
        }
        self.lines.push(CartLine { sku, quantity });
        Ok(())
    }

    /// Sets a line's quantity; zero removes the line.
    pub fn set_quantity(&mut self, sku: &Sku, quantity: u32) -> Result<(), CartChangeError> {
        if quantity == 0 {
            return self.remove(sku);
        }
        let line = self
            .lines
            .iter_mut()
            .find(|l| &l.sku == sku)
            .ok_or_else(|| CartChangeError::NoSuchLine(sku.clone()))?;
        line.quantity = quantity;
        Ok(())
    }

    pub fn remove(&mut self, sku: &Sku) -> Result<(), CartChangeError> {
        let before = self.lines.len();
        self.lines.retain(|l| &l.sku != sku);
        if self.lines.len() == before {
            return Err(CartChangeError::NoSuchLine(sku.clone()));
        }
        Ok(())
    }
}

/// One priced cart line, as the storefront shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PricedLine {
    pub sku: Sku,
    pub name: String,
    pub quantity: u32,
    pub unit_price: Money,
    pub line_total: Money,
    /// This line's share of the promotion's discount.
    pub discount: Money,
    /// Units that can be reserved right now.
    pub available: i64,
    /// False when the product was archived after it was added.
    pub purchasable: bool,
}

/// A cart with prices and totals computed from the current catalog.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PricedCart {
    pub cart_id: String,
    pub status: CartStatus,
    pub lines: Vec<PricedLine>,
    pub item_count: u32,
    pub subtotal: Money,
    /// Taken off by the promotion (zero without one, or when it does not apply).
    pub discount: Money,
    pub total: Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promotion: Option<CartPromotion>,
    pub expires_at: String,
    pub created_at: String,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
}

/// The cart's promotion as the storefront shows it: whether it applies
/// now, and if not, why.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CartPromotion {
    pub code: String,
    pub description: String,
    pub applies: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The promotion a cart carries, as found when pricing it.
pub struct PromotionContext<'a> {
    pub code: &'a str,
    /// `None` when no promotion has this code (any more).
    pub promotion: Option<&'a Promotion>,
    pub used_by_customer: bool,
    pub now: &'a str,
}

/// A cart total overflowed `i64` minor units.
#[derive(Debug, thiserror::Error)]
#[error("the cart total is too large")]
pub struct TotalOverflow;

/// Prices a cart. Lines whose product is gone or archived are shown as not
/// purchasable and left out of the totals.
pub fn price_cart(
    cart: &Cart,
    products: &HashMap<Sku, Product>,
    currency: &Currency,
    promotion: Option<PromotionContext<'_>>,
) -> Result<PricedCart, TotalOverflow> {
    let mut subtotal = Money::zero(currency.clone());
    let mut lines = Vec::with_capacity(cart.lines.len());
    let mut item_count = 0u32;
    for line in &cart.lines {
        let product = products.get(&line.sku);
        let purchasable = product.is_some_and(|p| p.active);
        let unit_price = product
            .map(|p| p.price.clone())
            .unwrap_or_else(|| Money::zero(currency.clone()));
        let line_total = unit_price.times(line.quantity).ok_or(TotalOverflow)?;
        if purchasable {
            subtotal = subtotal.plus(&line_total).ok_or(TotalOverflow)?;
            item_count += line.quantity;
        }
        lines.push(PricedLine {
            sku: line.sku.clone(),
            name: product.map(|p| p.name.clone()).unwrap_or_default(),
            quantity: line.quantity,
            unit_price,
            line_total,
            discount: Money::zero(currency.clone()),
            available: product.map(|p| p.available).unwrap_or(0),
            purchasable,
        });
    }
    let mut discount = Money::zero(currency.clone());
    let promotion = promotion.map(|ctx| {
        let outcome = match ctx.promotion {
            None => Err(NotApplicable::Inactive),
            Some(p) => {
                let amounts: Vec<LineAmount<'_>> = lines
                    .iter()
                    .map(|l| LineAmount {
                        sku: &l.sku,
                        line_total: if l.purchasable {
                            l.line_total.amount
                        } else {
                            0
                        },
                    })
                    .collect();
                p.apply(&amounts, &subtotal, ctx.now, ctx.used_by_customer)
            }
        };
        let description = ctx
            .promotion
            .map(|p| p.description.clone())
            .unwrap_or_default();
        match outcome {
            Ok(shares) => {
                for (line, share) in lines.iter_mut().zip(shares) {
                    line.discount.amount = share;
                    discount.amount += share;
                }
                CartPromotion {
                    code: ctx.code.to_string(),
                    description,
                    applies: true,
                    reason_code: None,
                    reason: None,
                }
            }
            Err(why) => CartPromotion {
                code: ctx.code.to_string(),
                description,
                applies: false,
                reason_code: Some(why.code()),
                reason: Some(why.to_string()),
            },
        }
    });
    let total = Money {
        amount: subtotal.amount - discount.amount,
        currency: currency.clone(),
    };
    let expires_at = chrono::DateTime::from_timestamp(cart.expires_at, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    Ok(PricedCart {
        cart_id: cart.cart_id.clone(),
        status: cart.status,
        lines,
        item_count,
        total,
        subtotal,
        discount,
        promotion,
        expires_at,
        created_at: cart.created_at.clone(),
        updated_at: cart.updated_at.clone(),
        order_id: cart.order_id.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sku(s: &str) -> Sku {
        Sku::parse(s).unwrap()
    }

    #[test]
    fn adding_the_same_sku_twice_merges_quantities() {
        let mut cart = Cart::new("c".into(), None, "t", 10);
        cart.add(sku("A"), 2).unwrap();
        cart.add(sku("A"), 3).unwrap();
        assert_eq!(
            cart.lines,
            vec![CartLine {
                sku: sku("A"),
                quantity: 5
            }]
        );
    }

    #[test]
    fn merging_above_the_cap_is_refused() {
        let mut cart = Cart::new("c".into(), None, "t", 10);
        cart.add(sku("A"), 98).unwrap();
        assert!(cart.add(sku("A"), 2).is_err());
    }

    #[test]
    fn setting_quantity_zero_removes_the_line() {
        let mut cart = Cart::new("c".into(), None, "t", 10);
        cart.add(sku("A"), 2).unwrap();
        cart.set_quantity(&sku("A"), 0).unwrap();
        assert!(cart.lines.is_empty());
        assert!(cart.set_quantity(&sku("A"), 1).is_err());
    }

    #[test]
    fn quantities_outside_one_to_the_cap_are_refused() {
        assert!(parse_quantity(0).is_err());
        assert!(parse_quantity(-3).is_err());
        assert!(parse_quantity(100).is_err());
        assert_eq!(parse_quantity(99).unwrap(), 99);
    }
}
