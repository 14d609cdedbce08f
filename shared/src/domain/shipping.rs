//! Shipping options: what a customer may choose to have a cart sent by,
//! where each applies and what it costs.
//!
//! An option serves a list of countries, optionally narrowed to regions
//! (`US-AK`: the country code, a hyphen and the region as addresses write
//! it). Its price is a flat amount or a band of the parcel's weight, and it
//! is free when the goods (after discount) reach its threshold.

use serde::{Deserialize, Serialize};

use super::checkout::Address;
use super::countries::is_country;
use super::money::{Currency, Money};
use super::promotion::MoneyInput;
use super::{text, ValidationError};

/// One band of a weight-priced option: parcels from `min_grams`
/// (inclusive) up to `max_grams` (exclusive) cost `amount`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WeightBand {
    pub min_grams: i64,
    pub max_grams: i64,
    pub amount: Money,
}

/// How an option is priced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ShippingRate {
    Flat { amount: Money },
    WeightBands { bands: Vec<WeightBand> },
}

/// A shipping option as stored and shown to administrators.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingOption {
    pub option_id: String,
    /// What the customer sees: Standard, Express.
    pub name: String,
    /// The carrier's service the parcel is booked with (shown on the label).
    pub carrier_service: String,
    /// ISO 3166-1 alpha-2 codes served.
    pub countries: Vec<String>,
    /// When not empty, only these regions (`US-IL`) of the countries.
    #[serde(default)]
    pub regions: Vec<String>,
    pub rate: ShippingRate,
    /// The option is free when the goods, after discount, cost at least this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_above: Option<Money>,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// What an option costs a given cart, as the storefront lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingQuote {
    pub option_id: String,
    pub name: String,
    pub carrier_service: String,
    pub price: Money,
}

/// The region key of an address (`US-IL`), if it names a region.
pub fn region_key(address: &Address) -> Option<String> {
    address
        .region
        .as_deref()
        .map(|r| r.trim().to_ascii_uppercase())
        .filter(|r| !r.is_empty())
        .map(|r| format!("{}-{r}", address.country))
}

impl ShippingOption {
    /// Whether the option serves this destination.
    pub fn serves(&self, address: &Address) -> bool {
        if !self.countries.iter().any(|c| c == &address.country) {
            return false;
        }
        if self
            .regions
            .iter()
            .all(|r| !r.starts_with(&address.country))
        {
            // No region of this country is named: the whole country is served.
            return true;
        }
        region_key(address).is_some_and(|key| self.regions.contains(&key))
    }

    /// The price for a parcel of `weight_grams` whose goods cost `goods`
    /// (after discount); `None` when no weight band covers the parcel.
    pub fn price(&self, weight_grams: i64, goods: i64) -> Option<i64> {
        let base = match &self.rate {
            ShippingRate::Flat { amount } => amount.amount,
            ShippingRate::WeightBands { bands } => {
                bands
                    .iter()
                    .find(|b| b.min_grams <= weight_grams && weight_grams < b.max_grams)?
                    .amount
                    .amount
            }
        };
        match &self.free_above {
            Some(threshold) if goods >= threshold.amount => Some(0),
            _ => Some(base),
        }
    }

    /// The quote for a destination and parcel; `None` when the option is
    /// inactive, does not serve the destination or has no band for it.
    pub fn quote(
        &self,
        address: &Address,
        weight_grams: i64,
        goods: &Money,
    ) -> Option<ShippingQuote> {
        if !self.active || !self.serves(address) {
            return None;
        }
        let amount = self.price(weight_grams, goods.amount)?;
        Some(ShippingQuote {
            option_id: self.option_id.clone(),
            name: self.name.clone(),
            carrier_service: self.carrier_service.clone(),
            price: Money {
                amount,
                currency: goods.currency.clone(),
            },
        })
    }
}

/// The quotes of every option that serves a destination, cheapest first.
pub fn quotes(
    options: &[ShippingOption],
    address: &Address,
    weight_grams: i64,
    goods: &Money,
) -> Vec<ShippingQuote> {
    let mut out: Vec<ShippingQuote> = options
        .iter()
        .filter_map(|o| o.quote(address, weight_grams, goods))
        .collect();
    out.sort_by(|a, b| {
        a.price
            .amount
            .cmp(&b.price.amount)
            .then_with(|| a.name.cmp(&b.name))
    });
    out
}

/// The body of `POST /admin/shipping-options` and
/// `PUT /admin/shipping-options/{optionId}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingOptionInput {
    pub name: String,
    pub carrier_service: String,
    pub countries: Vec<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    pub rate: RateInput,
    #[serde(default)]
    pub free_above: Option<MoneyInput>,
    #[serde(default = "default_true")]
    pub active: bool,
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RateInput {
    Flat { amount: MoneyInput },
    WeightBands { bands: Vec<WeightBandInput> },
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WeightBandInput {
    #[serde(deserialize_with = "crate::domain::json_input::whole_number")]
    pub min_grams: i64,
    #[serde(deserialize_with = "crate::domain::json_input::whole_number")]
    pub max_grams: i64,
    pub amount: MoneyInput,
}

/// The most weight bands one option may have.
pub const MAX_BANDS: usize = 20;
/// The heaviest parcel a band may name, in grams (1,000 kg).
pub const MAX_GRAMS: i64 = 1_000_000;

/// A validated option body, without id and times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippingOptionDetails {
    pub name: String,
    pub carrier_service: String,
    pub countries: Vec<String>,
    pub regions: Vec<String>,
    pub rate: ShippingRate,
    pub free_above: Option<Money>,
    pub active: bool,
}

fn money(field: &str, input: &MoneyInput, shop: &Currency) -> Result<Money, ValidationError> {
    Money::parse_price(input.amount, &input.currency, shop).map_err(|e| {
        ValidationError::new(
            format!("{field}.{}", e.field.trim_start_matches("price.")),
            e.message,
        )
    })
}

impl ShippingOptionInput {
    /// Validates the body. Rules between well-formed values (a region of a
    /// country the option does not serve, overlapping bands) are
    /// [`ValidationError::range`] errors: 422, not 400.
    pub fn details(&self, shop: &Currency) -> Result<ShippingOptionDetails, ValidationError> {
        let name = text("name", &self.name, true, 60)?;
        let carrier_service = text("carrierService", &self.carrier_service, true, 60)?;
        if self.countries.is_empty() || self.countries.len() > 250 {
            return Err(ValidationError::new(
                "countries",
                "name 1 to 250 ISO 3166-1 alpha-2 country codes",
            ));
        }
        let mut countries = Vec::new();
        for c in &self.countries {
            if !is_country(c) {
                return Err(ValidationError::new(
                    "countries",
                    format!("{c:?} is not an ISO 3166-1 alpha-2 country code"),
                ));
            }
            if countries.contains(c) {
                return Err(ValidationError::new(
                    "countries",
                    format!("{c} is named twice"),
                ));
            }
            countries.push(c.clone());
        }
        if self.regions.len() > 250 {
            return Err(ValidationError::new("regions", "name at most 250 regions"));
        }
        let mut regions = Vec::new();
        for r in &self.regions {
            let well_formed = r.len() >= 4
                && r.len() <= 6
                && r.as_bytes()[2] == b'-'
                && r[..2].bytes().all(|b| b.is_ascii_uppercase())
                && r[3..]
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            if !well_formed {
                return Err(ValidationError::new(
                    "regions",
                    format!("{r:?} is not a region code such as US-IL"),
                ));
            }
            if !countries.iter().any(|c| c == &r[..2]) {
                return Err(ValidationError::range(
                    "regions",
                    format!("{r} is in a country the option does not serve"),
                ));
            }
            if regions.contains(r) {
                return Err(ValidationError::new(
                    "regions",
                    format!("{r} is named twice"),
                ));
            }
            regions.push(r.clone());
        }
        let rate = match &self.rate {
            RateInput::Flat { amount } => ShippingRate::Flat {
                amount: money("rate.amount", amount, shop)?,
            },
            RateInput::WeightBands { bands } => {
                if bands.is_empty() || bands.len() > MAX_BANDS {
                    return Err(ValidationError::new(
                        "rate.bands",
                        format!("give 1 to {MAX_BANDS} weight bands"),
                    ));
                }
                let mut out = Vec::with_capacity(bands.len());
                for b in bands {
                    if !(0..MAX_GRAMS).contains(&b.min_grams)
                        || !(1..=MAX_GRAMS).contains(&b.max_grams)
                    {
                        return Err(ValidationError::new(
                            "rate.bands",
                            format!("weights must be between 0 and {MAX_GRAMS} grams"),
                        ));
                    }
                    if b.max_grams <= b.min_grams {
                        return Err(ValidationError::range(
                            "rate.bands",
                            format!(
                                "the band from {} g must end after it starts, not at {} g",
                                b.min_grams, b.max_grams
                            ),
                        ));
                    }
                    out.push(WeightBand {
                        min_grams: b.min_grams,
                        max_grams: b.max_grams,
                        amount: money("rate.bands.amount", &b.amount, shop)?,
                    });
                }
                out.sort_by_key(|b| b.min_grams);
                if let Some(w) = out.windows(2).find(|w| w[1].min_grams < w[0].max_grams) {
                    return Err(ValidationError::range(
                        "rate.bands",
                        format!(
                            "the bands {}-{} g and {}-{} g overlap",
                            w[0].min_grams, w[0].max_grams, w[1].min_grams, w[1].max_grams
                        ),
                    ));
                }
                ShippingRate::WeightBands { bands: out }
            }
        };
        let free_above = self
            .free_above
            .as_ref()
            .map(|m| money("freeAbove", m, shop))
            .transpose()?;
        Ok(ShippingOptionDetails {
            name,
            carrier_service,
            countries,
            regions,
            rate,
            free_above,
            active: self.active,
        })
    }
}

impl ShippingOptionDetails {
    pub fn into_option(self, option_id: String, created_at: String, now: String) -> ShippingOption {
        ShippingOption {
            option_id,
            name: self.name,
            carrier_service: self.carrier_service,
            countries: self.countries,
            regions: self.regions,
            rate: self.rate,
            free_above: self.free_above,
            active: self.active,
            created_at,
            updated_at: now,
        }
    }
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

    fn address(country: &str, region: Option<&str>) -> Address {
        Address {
            line1: "1 Main St".into(),
            line2: None,
            city: "Springfield".into(),
            region: region.map(str::to_string),
            postal_code: "62701".into(),
            country: country.into(),
        }
    }

    fn input(value: serde_json::Value) -> Result<ShippingOptionDetails, ValidationError> {
        let input: ShippingOptionInput = serde_json::from_value(value).unwrap();
        input.details(&Currency::parse("USD").unwrap())
    }

    fn banded() -> ShippingOption {
        input(serde_json::json!({
            "name": "Standard", "carrierService": "Ground", "countries": ["US", "CA"],
            "regions": ["CA-QC"],
            "rate": {"type": "WEIGHT_BANDS", "bands": [
                {"minGrams": 1000, "maxGrams": 5000, "amount": {"amount": 900, "currency": "USD"}},
                {"minGrams": 0, "maxGrams": 1000, "amount": {"amount": 500, "currency": "USD"}}
            ]},
            "freeAbove": {"amount": 10000, "currency": "USD"}
        }))
        .unwrap()
        .into_option("o".into(), "t".into(), "t".into())
    }

    #[test]
    fn weight_bands_price_the_parcel_and_a_threshold_makes_it_free() {
        let o = banded();
        assert_eq!(o.price(0, 0), Some(500));
        assert_eq!(o.price(999, 0), Some(500));
        assert_eq!(o.price(1000, 0), Some(900));
        assert_eq!(o.price(2400, 9999), Some(900));
        assert_eq!(o.price(2400, 10000), Some(0));
        assert_eq!(o.price(5000, 0), None, "no band covers 5 kg");
    }

    #[test]
    fn regions_narrow_only_their_own_country() {
        let o = banded();
        assert!(o.serves(&address("US", None)));
        assert!(o.serves(&address("US", Some("il"))));
        assert!(o.serves(&address("CA", Some("qc"))));
        assert!(!o.serves(&address("CA", Some("ON"))));
        assert!(!o.serves(&address("CA", None)));
        assert!(!o.serves(&address("FR", None)));
        let quotes = quotes(&[o], &address("US", None), 2400, &usd(5000));
        assert_eq!(quotes[0].price.amount, 900);
    }

    #[test]
    fn bad_options_are_refused_with_their_field() {
        let base =
            |rate: serde_json::Value, countries: serde_json::Value, regions: serde_json::Value| {
                input(
                    serde_json::json!({"name": "S", "carrierService": "G", "countries": countries,
                                     "regions": regions, "rate": rate}),
                )
            };
        let flat =
            serde_json::json!({"type": "FLAT", "amount": {"amount": 500, "currency": "USD"}});
        let e = base(
            flat.clone(),
            serde_json::json!(["ZZ"]),
            serde_json::json!([]),
        )
        .unwrap_err();
        assert_eq!((e.field.as_str(), e.range), ("countries", false));
        let e = base(
            flat.clone(),
            serde_json::json!(["US"]),
            serde_json::json!(["CA-QC"]),
        )
        .unwrap_err();
        assert_eq!((e.field.as_str(), e.range), ("regions", true));
        let overlapping = serde_json::json!({"type": "WEIGHT_BANDS", "bands": [
            {"minGrams": 0, "maxGrams": 1000, "amount": {"amount": 500, "currency": "USD"}},
            {"minGrams": 999, "maxGrams": 2000, "amount": {"amount": 700, "currency": "USD"}}]});
        let e = base(
            overlapping,
            serde_json::json!(["US"]),
            serde_json::json!([]),
        )
        .unwrap_err();
        assert_eq!((e.field.as_str(), e.range), ("rate.bands", true));
        let negative =
            serde_json::json!({"type": "FLAT", "amount": {"amount": -1, "currency": "USD"}});
        assert!(base(negative, serde_json::json!(["US"]), serde_json::json!([])).is_err());
    }
}
