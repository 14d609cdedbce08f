//! Money: integer minor units plus an ISO 4217 currency, never a float.

use serde::{Deserialize, Serialize};

use super::ValidationError;

/// An ISO 4217 currency code such as `USD`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

impl Currency {
    pub fn parse(code: &str) -> Result<Self, ValidationError> {
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(code.to_string()))
        } else {
            Err(ValidationError::new(
                "currency",
                "must be a three-letter ISO 4217 code such as USD",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Currency {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.0
    }
}

/// An amount in minor units (cents for USD) of one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount: i64,
    pub currency: Currency,
}

/// The largest price a single unit may have: 1,000,000.00 in major units.
pub const MAX_UNIT_AMOUNT: i64 = 100_000_000;

impl Money {
    pub fn zero(currency: Currency) -> Self {
        Self {
            amount: 0,
            currency,
        }
    }

    /// A unit price: non-negative, bounded, in the shop's currency.
    pub fn parse_price(
        amount: i64,
        currency: &str,
        shop: &Currency,
    ) -> Result<Self, ValidationError> {
        let currency = Currency::parse(currency)?;
        if &currency != shop {
            return Err(ValidationError::new(
                "price.currency",
                format!("must be the shop's currency {}", shop.as_str()),
            ));
        }
        if !(0..=MAX_UNIT_AMOUNT).contains(&amount) {
            return Err(ValidationError::new(
                "price.amount",
                format!("must be an integer number of minor units between 0 and {MAX_UNIT_AMOUNT}"),
            ));
        }
        Ok(Self { amount, currency })
    }

    /// This amount times a quantity; `None` on overflow.
    pub fn times(&self, quantity: u32) -> Option<Self> {
        Some(Self {
            amount: self.amount.checked_mul(i64::from(quantity))?,
            currency: self.currency.clone(),
        })
    }

    /// The amount in major units, two decimals (`1234` → `12.34`), as the
    /// shop's e-mails and CSV reports write it.
    pub fn decimal(amount: i64) -> String {
        format!(
            "{}{}.{:02}",
            if amount < 0 { "-" } else { "" },
            amount.abs() / 100,
            amount.abs() % 100
        )
    }

    /// The sum of two amounts of the same currency; `None` on overflow or mismatch.
    pub fn plus(&self, other: &Money) -> Option<Self> {
        if self.currency != other.currency {
            return None;
        }
        Some(Self {
            amount: self.amount.checked_add(other.amount)?,
            currency: self.currency.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_price_in_another_currency_is_refused() {
        let usd = Currency::parse("USD").unwrap();
        assert!(Money::parse_price(100, "EUR", &usd).is_err());
        assert!(Money::parse_price(-1, "USD", &usd).is_err());
        assert_eq!(Money::parse_price(1999, "USD", &usd).unwrap().amount, 1999);
    }

    #[test]
    fn line_totals_are_exact_integers() {
        let usd = Currency::parse("USD").unwrap();
        let p = Money::parse_price(1999, "USD", &usd).unwrap();
        assert_eq!(p.times(3).unwrap().amount, 5997);
        assert!(Money {
            amount: i64::MAX,
            currency: usd
        }
        .times(2)
        .is_none());
    }
}
