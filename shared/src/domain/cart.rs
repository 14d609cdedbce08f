//! Carts: lines of SKUs and quantities, priced on the server on every read.

use serde::{Deserialize, Serialize};

use super::checkout::Address;
use super::money::Money;
use super::product::Sku;
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
    /// Claimed by a signed-in customer and merged into their open cart.
    Merged,
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
    /// The cart this one was merged into (status MERGED).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
    /// The promotion code the customer applied; checked again on every
    /// read and at checkout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_code: Option<String>,
    /// Where the cart is to be shipped, once the customer has said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<Address>,
    /// The shipping option chosen, with the price the customer was shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_option: Option<ChosenShipping>,
}

/// The shipping option a cart carries and the price the customer was last
/// shown for it: checkout refuses to charge another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChosenShipping {
    pub option_id: String,
    pub price: Money,
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
            merged_into: None,
            promotion_code: None,
            shipping_address: None,
            shipping_option: None,
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

    /// Takes in another cart's lines, as when a customer signs in with an
    /// anonymous cart while they have an open one: quantities of the same
    /// SKU add up to at most [`MAX_LINE_QUANTITY`], new SKUs join while the
    /// cart has room for them ([`MAX_LINES`]), and this cart keeps its own
    /// promotion code, shipping address and option, taking the other's
    /// where it has none.
    pub fn absorb(&mut self, other: &Cart) {
        for line in &other.lines {
            if let Some(mine) = self.lines.iter_mut().find(|l| l.sku == line.sku) {
                mine.quantity = (mine.quantity + line.quantity).min(MAX_LINE_QUANTITY);
            } else if self.lines.len() < MAX_LINES {
                self.lines.push(line.clone());
            }
        }
        if self.promotion_code.is_none() {
            self.promotion_code = other.promotion_code.clone();
        }
        if self.shipping_address.is_none() {
            self.shipping_address = other.shipping_address.clone();
            if self.shipping_option.is_none() {
                self.shipping_option = other.shipping_option.clone();
            }
        }
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
    fn absorbing_a_cart_adds_quantities_up_to_the_caps_and_keeps_its_own_choices() {
        let mut mine = Cart::new("mine".into(), Some("alice".into()), "t", 10);
        mine.add(sku("A"), 90).unwrap();
        mine.promotion_code = Some("MINE".into());
        let mut other = Cart::new("other".into(), None, "t", 10);
        other.add(sku("A"), 20).unwrap();
        other.add(sku("B"), 2).unwrap();
        other.promotion_code = Some("OTHER".into());
        other.shipping_option = Some(ChosenShipping {
            option_id: "o".into(),
            price: crate::domain::money::Money::zero(
                crate::domain::money::Currency::parse("USD").unwrap(),
            ),
        });
        mine.absorb(&other);
        assert_eq!(
            mine.lines,
            vec![
                CartLine {
                    sku: sku("A"),
                    quantity: MAX_LINE_QUANTITY
                },
                CartLine {
                    sku: sku("B"),
                    quantity: 2
                },
            ]
        );
        assert_eq!(mine.promotion_code.as_deref(), Some("MINE"));
        // No address of its own: it takes the other's, with its option.
        assert_eq!(mine.shipping_option, other.shipping_option);

        let mut full = Cart::new("full".into(), None, "t", 10);
        for i in 0..MAX_LINES {
            full.add(sku(&format!("S{i}")), 1).unwrap();
        }
        full.absorb(&other);
        assert_eq!(full.lines.len(), MAX_LINES);
    }

    #[test]
    fn quantities_outside_one_to_the_cap_are_refused() {
        assert!(parse_quantity(0).is_err());
        assert!(parse_quantity(-3).is_err());
        assert!(parse_quantity(100).is_err());
        assert_eq!(parse_quantity(99).unwrap(), 99);
    }
}
