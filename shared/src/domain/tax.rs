//! Tax rates per destination and the arithmetic of tax on an amount.
//!
//! A rate applies to a country (`US`) or to one region of it (`US-IL`);
//! the most specific rate of a destination wins. Rates are percentages with
//! up to four decimals, kept as parts per million (7.25 % = 72 500 ppm), so
//! the arithmetic is integer. Every tax amount is rounded once, half away
//! from zero, to the currency's minor unit: per order line (after its share
//! of the discount) and on shipping, never on the order as a whole.

use serde::{Deserialize, Serialize};

use super::checkout::Address;
use super::countries::is_country;
use super::shipping::region_key;
use super::{text, ValidationError};

/// One million: a rate of 100 %.
pub const PPM: i64 = 1_000_000;

/// A tax rate as stored and shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxRate {
    /// `US` or `US-IL`.
    pub rate_id: String,
    pub country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// What invoices and the dashboard call it ("Illinois sales tax").
    pub name: String,
    /// The percentage as given, normalised (`7.25`).
    pub percent: String,
    /// The same rate in parts per million.
    pub rate_ppm: i64,
    /// Whether shipping is taxed at this rate too.
    pub shipping_taxed: bool,
    pub updated_at: String,
}

/// Divides with rounding half away from zero.
pub fn div_round(numerator: i128, denominator: i128) -> i64 {
    let q = numerator / denominator;
    let r = numerator % denominator;
    let q = if 2 * r.abs() >= denominator.abs() {
        q + numerator.signum() * denominator.signum()
    } else {
        q
    };
    q as i64
}

/// The tax in `amount` at `rate_ppm`: on top of it when prices exclude tax
/// (`amount × rate`), or the part of it that is tax when they include it
/// (`amount × rate / (1 + rate)`); rounded half away from zero.
pub fn tax_on(amount: i64, rate_ppm: i64, prices_include_tax: bool) -> i64 {
    if rate_ppm == 0 || amount == 0 {
        return 0;
    }
    let denominator = if prices_include_tax {
        PPM + rate_ppm
    } else {
        PPM
    };
    div_round(
        i128::from(amount) * i128::from(rate_ppm),
        i128::from(denominator),
    )
}

/// The rate that applies to a destination: its region's if there is one,
/// else its country's.
pub fn rate_for<'a>(rates: &'a [TaxRate], address: &Address) -> Option<&'a TaxRate> {
    let region = region_key(address);
    region
        .and_then(|key| rates.iter().find(|r| r.rate_id == key))
        .or_else(|| rates.iter().find(|r| r.rate_id == address.country))
}

/// Parses a percentage such as `7.25`: 0 to 100 with up to four decimals,
/// into parts per million and its normalised text.
pub fn parse_percent(value: &str) -> Result<(i64, String), ValidationError> {
    let bad = || {
        ValidationError::new(
            "percent",
            "must be a percentage from 0 to 100 with up to four decimals, such as 7.25",
        )
    };
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if whole.is_empty()
        || (whole.len() > 2 && whole != "100")
        || fraction.len() > 4
        || (value.contains('.') && fraction.is_empty())
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let fraction_ppm: i64 = format!("{fraction:0<4}").parse().map_err(|_| bad())?;
    let ppm = whole * 10_000 + fraction_ppm;
    if ppm > PPM {
        return Err(bad());
    }
    let trimmed = format!("{}.{:04}", ppm / 10_000, ppm % 10_000);
    let normalised = trimmed
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string();
    Ok((ppm, normalised))
}

/// Splits a rate id (`US`, `US-IL`) into its country and region, refusing
/// a country code no country has.
pub fn parse_rate_id(rate_id: &str) -> Result<(String, Option<String>), ValidationError> {
    let (country, region) = match rate_id.split_once('-') {
        Some((c, r)) => (c, Some(r)),
        None => (rate_id, None),
    };
    let region_ok = region.is_none_or(|r| {
        (1..=3).contains(&r.len())
            && r.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    });
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) || !region_ok {
        return Err(ValidationError::new(
            "rateId",
            "must be a country code (US) or a country and region code (US-IL)",
        ));
    }
    if !is_country(country) {
        return Err(ValidationError::range(
            "rateId",
            format!("{country} is not an ISO 3166-1 alpha-2 country code"),
        ));
    }
    Ok((country.to_string(), region.map(str::to_string)))
}

/// The body of `PUT /admin/tax-rates/{rateId}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxRateInput {
    pub name: String,
    pub percent: String,
    #[serde(default)]
    pub shipping_taxed: bool,
}

impl TaxRateInput {
    pub fn into_rate(self, rate_id: &str, now: &str) -> Result<TaxRate, ValidationError> {
        let (country, region) = parse_rate_id(rate_id)?;
        let (rate_ppm, percent) = parse_percent(&self.percent)?;
        Ok(TaxRate {
            rate_id: rate_id.to_string(),
            country,
            region,
            name: text("name", &self.name, true, 100)?,
            percent,
            rate_ppm,
            shipping_taxed: self.shipping_taxed,
            updated_at: now.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_become_parts_per_million() {
        assert_eq!(parse_percent("7.25").unwrap(), (72_500, "7.25".into()));
        assert_eq!(parse_percent("8.875").unwrap(), (88_750, "8.875".into()));
        assert_eq!(parse_percent("20").unwrap(), (200_000, "20".into()));
        assert_eq!(parse_percent("0.0000").unwrap(), (0, "0".into()));
        assert_eq!(parse_percent("100").unwrap().0, PPM);
        for bad in [
            "-1", "100.01", "7.", ".5", "7.12345", "abc", "", "1e2", "1000",
        ] {
            assert!(parse_percent(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tax_rounds_half_away_from_zero_once() {
        // 7.25 % of 10.00 is 0.725: 73 cents.
        assert_eq!(tax_on(1000, 72_500, false), 73);
        // 7.25 % of 2.00 is 0.145: 15 cents (half rounds up).
        assert_eq!(tax_on(200, 72_500, false), 15);
        // 10.725 including 7.25 % holds 0.725 of tax: 73 cents.
        assert_eq!(tax_on(1073, 72_500, true), 73);
        assert_eq!(tax_on(0, 72_500, false), 0);
        assert_eq!(div_round(-5, 2), -3);
        assert_eq!(div_round(5, 2), 3);
    }

    #[test]
    fn rate_ids_name_a_real_country() {
        assert_eq!(
            parse_rate_id("US-IL").unwrap(),
            ("US".into(), Some("IL".into()))
        );
        assert!(parse_rate_id("ZZ").unwrap_err().range);
        assert!(!parse_rate_id("us").unwrap_err().range);
        assert!(parse_rate_id("US-ILLINOIS").is_err());
    }
}
