//! Catalog products and their stock levels.

use serde::{Deserialize, Serialize};

use super::json_input::{not_null, whole_number};
use super::money::{Currency, Money};
use super::{text, ValidationError};

/// A stock-keeping unit code: 1–64 letters, digits, `-` or `_`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sku(String);

impl Sku {
    pub fn parse(value: &str) -> Result<Self, ValidationError> {
        let ok = !value.is_empty()
            && value.len() <= 64
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(Self(value.to_string()))
        } else {
            Err(ValidationError::new(
                "sku",
                "must be 1-64 letters, digits, '-' or '_'",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Sku {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Sku> for String {
    fn from(value: Sku) -> Self {
        value.0
    }
}

impl std::fmt::Display for Sku {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A product as stored, with its stock counters.
///
/// `available = on_hand - reserved` is kept as its own attribute because
/// DynamoDB conditions cannot do arithmetic: a reservation is conditional
/// on `available >= quantity`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub sku: Sku,
    pub name: String,
    pub description: String,
    pub price: Money,
    pub active: bool,
    pub allow_backorder: bool,
    pub low_stock_threshold: i64,
    pub weight_grams: i64,
    pub on_hand: i64,
    pub reserved: i64,
    pub available: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl Product {
    /// Whether available stock is at or below the product's threshold.
    pub fn is_low_stock(&self) -> bool {
        self.available <= self.low_stock_threshold
    }
}

/// The catalog fields an administrator sets, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct ProductDetails {
    pub name: String,
    pub description: String,
    pub price: Money,
    pub active: bool,
    pub allow_backorder: bool,
    pub low_stock_threshold: i64,
    pub weight_grams: i64,
}

/// The body of `POST /admin/products` and `PUT /admin/products/{sku}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductInput {
    #[serde(default, deserialize_with = "not_null")]
    pub sku: Option<String>,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub price: PriceInput,
    #[serde(default = "default_true")]
    pub active: bool,
    #[serde(default)]
    pub allow_backorder: bool,
    #[serde(default = "default_threshold", deserialize_with = "whole_number")]
    pub low_stock_threshold: i64,
    #[serde(default, deserialize_with = "whole_number")]
    pub weight_grams: i64,
}

#[derive(Debug, Deserialize)]
pub struct PriceInput {
    #[serde(deserialize_with = "whole_number")]
    pub amount: i64,
    pub currency: String,
}

fn default_true() -> bool {
    true
}

fn default_threshold() -> i64 {
    5
}

impl ProductInput {
    /// Validates the catalog fields against the shop's currency.
    pub fn details(&self, shop: &Currency) -> Result<ProductDetails, ValidationError> {
        if !(0..=1_000_000).contains(&self.low_stock_threshold) {
            return Err(ValidationError::new(
                "lowStockThreshold",
                "must be between 0 and 1000000",
            ));
        }
        if !(0..=1_000_000).contains(&self.weight_grams) {
            return Err(ValidationError::new(
                "weightGrams",
                "must be between 0 and 1000000",
            ));
        }
        Ok(ProductDetails {
            name: text("name", &self.name, true, 200)?,
            description: text("description", &self.description, false, 4000)?,
            price: Money::parse_price(self.price.amount, &self.price.currency, shop)?,
            active: self.active,
            allow_backorder: self.allow_backorder,
            low_stock_threshold: self.low_stock_threshold,
            weight_grams: self.weight_grams,
        })
    }
}

/// The body of `POST /admin/products/{sku}/stock`.
#[derive(Debug, Deserialize)]
pub struct StockAdjustmentInput {
    #[serde(deserialize_with = "whole_number")]
    pub delta: i64,
    pub reason: String,
}

/// A validated stock movement: goods received (positive) or written off (negative).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StockAdjustment {
    pub delta: i64,
    pub reason: String,
}

/// The most one adjustment may move, to catch typos.
pub const MAX_STOCK_DELTA: i64 = 1_000_000;

impl TryFrom<StockAdjustmentInput> for StockAdjustment {
    type Error = ValidationError;
    fn try_from(input: StockAdjustmentInput) -> Result<Self, Self::Error> {
        if input.delta == 0 || input.delta.abs() > MAX_STOCK_DELTA {
            return Err(ValidationError::new(
                "delta",
                format!(
                    "must be a non-zero integer between -{MAX_STOCK_DELTA} and {MAX_STOCK_DELTA}"
                ),
            ));
        }
        Ok(Self {
            delta: input.delta,
            reason: text("reason", &input.reason, true, 200)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skus_are_limited_to_safe_characters() {
        assert!(Sku::parse("TSHIRT-RED_M").is_ok());
        assert!(Sku::parse("").is_err());
        assert!(Sku::parse("a b").is_err());
        assert!(Sku::parse(&"x".repeat(65)).is_err());
    }

    #[test]
    fn a_zero_stock_adjustment_is_refused() {
        let r = StockAdjustment::try_from(StockAdjustmentInput {
            delta: 0,
            reason: "x".into(),
        });
        assert!(r.is_err());
    }
}
