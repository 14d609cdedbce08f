//! Promotions: a code that takes a percentage or a fixed amount off an
//! order, optionally only off some SKUs, within a time window, above a
//! minimum subtotal, a limited number of times in total and, if asked, once
//! per customer.
//!
//! The discount is spread over the lines it applies to (largest remainder,
//! so the shares add up to the cent), and each order line keeps its share:
//! a return refunds what was actually paid for the units that come back.

use serde::{Deserialize, Serialize};

use super::json_input::nullable_whole_number;
use super::money::{Currency, Money};
use super::product::Sku;
use super::ValidationError;

/// Longest code.
pub const MAX_CODE_LEN: usize = 32;

/// What a promotion takes off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Discount {
    /// 1 to 100 percent of the eligible subtotal, rounded half up to the cent.
    #[serde(rename_all = "camelCase")]
    Percentage { percent_off: u32 },
    /// A fixed amount, at most the eligible subtotal.
    #[serde(rename_all = "camelCase")]
    FixedAmount { amount_off: Money },
}

/// A promotion as stored and shown to administrators.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Promotion {
    pub code: String,
    #[serde(default)]
    pub description: String,
    pub discount: Discount,
    /// Only these SKUs are discounted; empty means the whole order.
    #[serde(default)]
    pub skus: Vec<Sku>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_subtotal: Option<Money>,
    /// RFC 3339; the code applies from this instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<String>,
    /// RFC 3339; the code no longer applies from this instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<String>,
    /// Most orders that may carry the code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_limit: Option<u32>,
    #[serde(default)]
    pub once_per_customer: bool,
    /// Orders that carry the code now (a cancelled or failed order gives
    /// its use back).
    #[serde(default)]
    pub used: u32,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// The body of `POST /admin/promotions` and `PUT /admin/promotions/{code}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromotionInput {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, deserialize_with = "nullable_whole_number")]
    pub percent_off: Option<i64>,
    #[serde(default)]
    pub amount_off: Option<MoneyInput>,
    #[serde(default)]
    pub skus: Vec<String>,
    #[serde(default)]
    pub min_subtotal: Option<MoneyInput>,
    #[serde(default)]
    pub starts_at: Option<String>,
    #[serde(default)]
    pub ends_at: Option<String>,
    #[serde(default, deserialize_with = "nullable_whole_number")]
    pub usage_limit: Option<i64>,
    #[serde(default)]
    pub once_per_customer: bool,
    #[serde(default = "default_true")]
    pub active: bool,
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Deserialize)]
pub struct MoneyInput {
    #[serde(deserialize_with = "crate::domain::json_input::whole_number")]
    pub amount: i64,
    pub currency: String,
}

/// Normalises a code: trimmed, upper case, `A-Z 0-9 - _`, 3 to 32 long.
pub fn parse_code(code: &str) -> Result<String, ValidationError> {
    let code = code.trim().to_ascii_uppercase();
    let ok = (3..=MAX_CODE_LEN).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(code)
    } else {
        Err(ValidationError::new(
            "code",
            format!("must be 3 to {MAX_CODE_LEN} letters, digits, '-' or '_'"),
        ))
    }
}

fn instant(field: &str, value: &Option<String>) -> Result<Option<String>, ValidationError> {
    value
        .as_deref()
        .map(|v| {
            chrono::DateTime::parse_from_rfc3339(v)
                .map(|t| {
                    t.with_timezone(&chrono::Utc)
                        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                })
                .map_err(|_| ValidationError::new(field, "must be an RFC 3339 time"))
        })
        .transpose()
}

fn amount(field: &str, input: &MoneyInput, shop: &Currency) -> Result<Money, ValidationError> {
    let money = Money::parse_price(input.amount, &input.currency, shop)
        .map_err(|e| ValidationError::new(field, e.message))?;
    Ok(money)
}

impl PromotionInput {
    /// Checks the input and builds the promotion `code` (from the path on
    /// an update, from the body on a create).
    pub fn into_promotion(
        self,
        code: &str,
        shop: &Currency,
        now: &str,
    ) -> Result<Promotion, ValidationError> {
        let code = parse_code(code)?;
        let description = super::text("description", &self.description, false, 200)?;
        let discount = match self.kind.as_str() {
            "PERCENTAGE" => {
                if self.amount_off.is_some() {
                    return Err(ValidationError::new(
                        "amountOff",
                        "is for FIXED_AMOUNT promotions",
                    ));
                }
                let percent = self
                    .percent_off
                    .ok_or_else(|| ValidationError::new("percentOff", "is required"))?;
                if !(1..=100).contains(&percent) {
                    return Err(ValidationError::new(
                        "percentOff",
                        "must be an integer from 1 to 100",
                    ));
                }
                Discount::Percentage {
                    percent_off: percent as u32,
                }
            }
            "FIXED_AMOUNT" => {
                if self.percent_off.is_some() {
                    return Err(ValidationError::new(
                        "percentOff",
                        "is for PERCENTAGE promotions",
                    ));
                }
                let off = self
                    .amount_off
                    .as_ref()
                    .ok_or_else(|| ValidationError::new("amountOff", "is required"))?;
                let off = amount("amountOff", off, shop)?;
                if off.amount == 0 {
                    return Err(ValidationError::new("amountOff", "must be more than 0"));
                }
                Discount::FixedAmount { amount_off: off }
            }
            _ => {
                return Err(ValidationError::new(
                    "type",
                    "must be PERCENTAGE or FIXED_AMOUNT",
                ))
            }
        };
        let mut skus = Vec::with_capacity(self.skus.len());
        for s in &self.skus {
            let sku = Sku::parse(s).map_err(|e| ValidationError::new("skus", e.message))?;
            if !skus.contains(&sku) {
                skus.push(sku);
            }
        }
        if skus.len() > 100 {
            return Err(ValidationError::new("skus", "at most 100 SKUs"));
        }
        let min_subtotal = self
            .min_subtotal
            .as_ref()
            .map(|m| amount("minSubtotal", m, shop))
            .transpose()?;
        let starts_at = instant("startsAt", &self.starts_at)?;
        let ends_at = instant("endsAt", &self.ends_at)?;
        if let (Some(s), Some(e)) = (&starts_at, &ends_at) {
            if e <= s {
                return Err(ValidationError::range("endsAt", "must be after startsAt"));
            }
        }
        let usage_limit = match self.usage_limit {
            None => None,
            Some(n) if (1..=i64::from(u32::MAX)).contains(&n) => Some(n as u32),
            Some(_) => {
                return Err(ValidationError::new(
                    "usageLimit",
                    "must be a positive integer",
                ))
            }
        };
        Ok(Promotion {
            code,
            description,
            discount,
            skus,
            min_subtotal,
            starts_at,
            ends_at,
            usage_limit,
            once_per_customer: self.once_per_customer,
            used: 0,
            active: self.active,
            created_at: now.to_string(),
            updated_at: now.to_string(),
        })
    }
}

/// Why a code does not apply, with a code the storefront can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NotApplicable {
    #[error("the promotion is no longer active")]
    Inactive,
    #[error("the promotion starts at {0}")]
    NotStarted(String),
    #[error("the promotion ended at {0}")]
    Ended(String),
    #[error("the promotion has been used the most times it may be")]
    UsedUp,
    #[error("you have already used this promotion")]
    AlreadyUsed,
    #[error("the promotion needs a subtotal of at least {0} minor units")]
    BelowMinimum(i64),
    #[error("no product in the cart is part of the promotion")]
    NoEligibleItems,
    #[error("the promotion is in another currency")]
    WrongCurrency,
}

impl NotApplicable {
    /// The error code clients see.
    pub fn code(&self) -> &'static str {
        match self {
            NotApplicable::Inactive => "promotion_inactive",
            NotApplicable::NotStarted(_) => "promotion_not_started",
            NotApplicable::Ended(_) => "promotion_expired",
            NotApplicable::UsedUp => "promotion_used_up",
            NotApplicable::AlreadyUsed => "promotion_already_used",
            NotApplicable::BelowMinimum(_) => "promotion_minimum_not_met",
            NotApplicable::NoEligibleItems => "promotion_not_eligible",
            NotApplicable::WrongCurrency => "promotion_currency",
        }
    }
}

/// A line as the promotion sees it: its SKU and total.
pub struct LineAmount<'a> {
    pub sku: &'a Sku,
    pub line_total: i64,
}

impl Promotion {
    /// Whether the code applies to these lines now; the discount of each
    /// line (in the same order, zero for lines it does not cover).
    pub fn apply(
        &self,
        lines: &[LineAmount<'_>],
        subtotal: &Money,
        now: &str,
        used_by_customer: bool,
    ) -> Result<Vec<i64>, NotApplicable> {
        if !self.active {
            return Err(NotApplicable::Inactive);
        }
        if let Some(start) = &self.starts_at {
            if now < start.as_str() {
                return Err(NotApplicable::NotStarted(start.clone()));
            }
        }
        if let Some(end) = &self.ends_at {
            if now >= end.as_str() {
                return Err(NotApplicable::Ended(end.clone()));
            }
        }
        if self.usage_limit.is_some_and(|limit| self.used >= limit) {
            return Err(NotApplicable::UsedUp);
        }
        if self.once_per_customer && used_by_customer {
            return Err(NotApplicable::AlreadyUsed);
        }
        if let Some(min) = &self.min_subtotal {
            if min.currency != subtotal.currency {
                return Err(NotApplicable::WrongCurrency);
            }
            if subtotal.amount < min.amount {
                return Err(NotApplicable::BelowMinimum(min.amount));
            }
        }
        let eligible: Vec<bool> = lines
            .iter()
            .map(|l| self.skus.is_empty() || self.skus.contains(l.sku))
            .collect();
        let base: i64 = lines
            .iter()
            .zip(&eligible)
            .filter(|(_, e)| **e)
            .map(|(l, _)| l.line_total)
            .sum();
        if base <= 0 {
            return Err(NotApplicable::NoEligibleItems);
        }
        let off = match &self.discount {
            Discount::Percentage { percent_off } => {
                (i128::from(base) * i128::from(*percent_off) + 50) / 100
            }
            Discount::FixedAmount { amount_off } => {
                if amount_off.currency != subtotal.currency {
                    return Err(NotApplicable::WrongCurrency);
                }
                i128::from(amount_off.amount.min(base))
            }
        } as i64;
        let weights: Vec<i64> = lines
            .iter()
            .zip(&eligible)
            .map(|(l, e)| if *e { l.line_total } else { 0 })
            .collect();
        Ok(allocate(off, &weights))
    }
}

/// Splits `total` over `weights` in proportion, by largest remainder, so
/// the parts add up to `total` exactly (ties go to the earlier line).
pub fn allocate(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|w| i128::from(*w)).sum();
    if sum <= 0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<(i64, i128)> = weights
        .iter()
        .map(|w| {
            let numerator = i128::from(total) * i128::from(*w);
            ((numerator / sum) as i64, numerator % sum)
        })
        .collect();
    let mut parts: Vec<i64> = exact.iter().map(|(q, _)| *q).collect();
    let mut left = total - parts.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|a, b| exact[*b].1.cmp(&exact[*a].1).then(a.cmp(b)));
    for i in order {
        if left == 0 {
            break;
        }
        if weights[i] > 0 {
            parts[i] += 1;
            left -= 1;
        }
    }
    parts
}

/// What `paid` (a line's total after its discount) comes to for the first
/// `units` of its `quantity` units, rounded so that all of them come to
/// `paid` exactly: returning units one by one refunds the same as at once.
pub fn paid_for_units(paid: i64, quantity: u32, units: u32) -> i64 {
    if quantity == 0 {
        return 0;
    }
    let units = units.min(quantity);
    ((i128::from(paid) * i128::from(units)) / i128::from(quantity)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(amount: i64) -> Money {
        Money {
            amount,
            currency: Currency::parse("USD").unwrap(),
        }
    }

    fn promo(discount: Discount) -> Promotion {
        Promotion {
            code: "SAVE".into(),
            description: String::new(),
            discount,
            skus: vec![],
            min_subtotal: None,
            starts_at: None,
            ends_at: None,
            usage_limit: None,
            once_per_customer: false,
            used: 0,
            active: true,
            created_at: "t".into(),
            updated_at: "t".into(),
        }
    }

    #[test]
    fn shares_add_up_to_the_discount_to_the_cent() {
        assert_eq!(allocate(100, &[1, 1, 1]), vec![34, 33, 33]);
        assert_eq!(allocate(10, &[0, 5, 5]), vec![0, 5, 5]);
        assert_eq!(allocate(7, &[333, 333, 334]).iter().sum::<i64>(), 7);
        assert_eq!(allocate(0, &[5]), vec![0]);
    }

    #[test]
    fn a_percentage_off_some_skus_rounds_half_up_and_leaves_the_rest() {
        let a = Sku::parse("A").unwrap();
        let b = Sku::parse("B").unwrap();
        let mut p = promo(Discount::Percentage { percent_off: 15 });
        p.skus = vec![a.clone()];
        let lines = [
            LineAmount {
                sku: &a,
                line_total: 999,
            },
            LineAmount {
                sku: &b,
                line_total: 500,
            },
        ];
        // 15% of 9.99 = 1.4985 → 1.50
        assert_eq!(p.apply(&lines, &usd(1_499), "t", false), Ok(vec![150, 0]));
        let lines_b = [LineAmount {
            sku: &b,
            line_total: 500,
        }];
        assert_eq!(
            p.apply(&lines_b, &usd(500), "t", false),
            Err(NotApplicable::NoEligibleItems)
        );
    }

    #[test]
    fn a_fixed_amount_never_exceeds_what_it_applies_to() {
        let a = Sku::parse("A").unwrap();
        let p = promo(Discount::FixedAmount {
            amount_off: usd(5_000),
        });
        let lines = [LineAmount {
            sku: &a,
            line_total: 1_200,
        }];
        assert_eq!(p.apply(&lines, &usd(1_200), "t", false), Ok(vec![1_200]));
    }

    #[test]
    fn window_limit_minimum_and_once_per_customer_are_enforced() {
        let a = Sku::parse("A").unwrap();
        let lines = [LineAmount {
            sku: &a,
            line_total: 1_000,
        }];
        let mut p = promo(Discount::Percentage { percent_off: 10 });
        p.starts_at = Some("2030-01-01T00:00:00.000Z".into());
        assert!(matches!(
            p.apply(&lines, &usd(1_000), "2029-12-31T23:59:59.999Z", false),
            Err(NotApplicable::NotStarted(_))
        ));
        p.ends_at = Some("2030-02-01T00:00:00.000Z".into());
        assert!(matches!(
            p.apply(&lines, &usd(1_000), "2030-02-01T00:00:00.000Z", false),
            Err(NotApplicable::Ended(_))
        ));
        assert!(p
            .apply(&lines, &usd(1_000), "2030-01-15T00:00:00.000Z", false)
            .is_ok());
        let mut p = promo(Discount::Percentage { percent_off: 10 });
        p.usage_limit = Some(2);
        p.used = 2;
        assert_eq!(
            p.apply(&lines, &usd(1_000), "t", false),
            Err(NotApplicable::UsedUp)
        );
        let mut p = promo(Discount::Percentage { percent_off: 10 });
        p.once_per_customer = true;
        assert_eq!(
            p.apply(&lines, &usd(1_000), "t", true),
            Err(NotApplicable::AlreadyUsed)
        );
        p.min_subtotal = Some(usd(2_000));
        assert_eq!(
            p.apply(&lines, &usd(1_000), "t", false),
            Err(NotApplicable::BelowMinimum(2_000))
        );
    }

    #[test]
    fn units_returned_one_by_one_refund_what_all_at_once_would() {
        // 3 units, 30.00 less a 1.00 share of the discount: 29.00 paid.
        let one = paid_for_units(2_900, 3, 1);
        let two = paid_for_units(2_900, 3, 2) - one;
        let three = paid_for_units(2_900, 3, 3) - one - two;
        assert_eq!(one + two + three, 2_900);
        assert_eq!(one, 966);
    }

    #[test]
    fn codes_are_normalised_and_checked() {
        assert_eq!(parse_code(" summer-10 ").unwrap(), "SUMMER-10");
        assert!(parse_code("ab").is_err());
        assert!(parse_code("no spaces").is_err());
    }

    #[test]
    fn discounts_serialise_with_a_type_tag() {
        let d = Discount::Percentage { percent_off: 10 };
        assert_eq!(
            serde_json::to_value(&d).unwrap(),
            serde_json::json!({"type": "PERCENTAGE", "percentOff": 10})
        );
    }
}
