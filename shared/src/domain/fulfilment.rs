//! Manual fulfilment in the shop's language: the pick list that totals a
//! page of the fulfilment queue per SKU, and how staff say they shipped an
//! order (with the shop's carrier, or with another carrier whose tracking
//! number they already have).

use std::collections::BTreeMap;

use serde::Serialize;

use super::order::{Order, Shipment};
use super::product::Sku;
use super::ValidationError;

/// One SKU to take off the shelves: how many units in all, and which
/// orders they go into (by order number, in the queue's order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PickListEntry {
    pub sku: Sku,
    /// The product's name as the first of these orders froze it at checkout.
    pub name: String,
    pub quantity: u64,
    pub orders: Vec<String>,
}

/// Totals the units per SKU over `orders`, sorted by SKU, so staff can
/// pick a page of the queue in one walk through the warehouse.
pub fn pick_list(orders: &[Order]) -> Vec<PickListEntry> {
    let mut entries: BTreeMap<&Sku, PickListEntry> = BTreeMap::new();
    for order in orders {
        for line in &order.lines {
            let entry = entries.entry(&line.sku).or_insert_with(|| PickListEntry {
                sku: line.sku.clone(),
                name: line.name.clone(),
                quantity: 0,
                orders: Vec::new(),
            });
            entry.quantity += u64::from(line.quantity);
            if !entry.orders.contains(&order.order_number) {
                entry.orders.push(order.order_number.clone());
            }
        }
    }
    entries.into_values().collect()
}

/// The longest carrier name, tracking number and tracking URL accepted
/// (as `openapi.yaml`'s `ShipOrderRequest` says).
pub const MAX_CARRIER: usize = 100;
pub const MAX_TRACKING_NUMBER: usize = 64;
pub const MAX_TRACKING_URL: usize = 2048;

/// How an order leaves the warehouse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShipWith {
    /// The shop's carrier adapter books the shipment and its label.
    ShopCarrier,
    /// Staff handed the parcel to another carrier: nothing is booked, the
    /// order records what they give.
    OtherCarrier {
        carrier: String,
        tracking_number: String,
        tracking_url: String,
    },
}

/// Why a ship request cannot be taken as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShipInputError {
    /// A field breaks its own rule (400 `invalid_field`).
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Some of carrier, tracking number and tracking URL were given, not
    /// all three: another carrier's parcel needs all of them (the customer's
    /// e-mail links the tracking page), the shop's carrier none.
    #[error(
        "send carrier, trackingNumber and trackingUrl together for a parcel sent with another \
         carrier, or none of them to book the shop's carrier"
    )]
    Incomplete,
}

impl ShipWith {
    /// Parses the optional fields of a ship request.
    pub fn parse(
        carrier: Option<&str>,
        tracking_number: Option<&str>,
        tracking_url: Option<&str>,
    ) -> Result<Self, ShipInputError> {
        let carrier = carrier
            .map(|c| super::text("carrier", c, true, MAX_CARRIER))
            .transpose()?;
        let tracking_number = tracking_number.map(parse_tracking_number).transpose()?;
        let tracking_url = tracking_url.map(parse_tracking_url).transpose()?;
        match (carrier, tracking_number, tracking_url) {
            (None, None, None) => Ok(Self::ShopCarrier),
            (Some(carrier), Some(tracking_number), Some(tracking_url)) => Ok(Self::OtherCarrier {
                carrier,
                tracking_number,
                tracking_url,
            }),
            _ => Err(ShipInputError::Incomplete),
        }
    }

    /// The shipment of another carrier's parcel, shipped `now`; `None` for
    /// the shop's carrier, whose adapter books it.
    pub fn other_carrier_shipment(&self, now: &str) -> Option<Shipment> {
        match self {
            Self::ShopCarrier => None,
            Self::OtherCarrier {
                carrier,
                tracking_number,
                tracking_url,
            } => Some(Shipment {
                carrier: carrier.clone(),
                tracking_number: tracking_number.clone(),
                tracking_url: tracking_url.clone(),
                shipped_at: now.to_string(),
            }),
        }
    }

    /// Whether a parcel already recorded on the order is the one this
    /// request describes (a retried request): any shipment for the shop's
    /// carrier, the same tracking number for another carrier.
    pub fn matches(&self, recorded: &Shipment) -> bool {
        match self {
            Self::ShopCarrier => true,
            Self::OtherCarrier {
                tracking_number, ..
            } => *tracking_number == recorded.tracking_number,
        }
    }
}

/// `^[A-Za-z0-9][A-Za-z0-9-]{0,63}$`: letters and digits with inner or
/// trailing hyphens, as carriers print them (and a Code 128 barcode takes).
fn parse_tracking_number(value: &str) -> Result<String, ValidationError> {
    let bytes = value.as_bytes();
    let valid = !bytes.is_empty()
        && bytes.len() <= MAX_TRACKING_NUMBER
        && bytes[0].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-');
    if valid {
        Ok(value.to_string())
    } else {
        Err(ValidationError::new(
            "trackingNumber",
            format!(
                "must be 1 to {MAX_TRACKING_NUMBER} letters, digits and hyphens, starting with a letter or digit"
            ),
        ))
    }
}

/// An `http` or `https` URL the customer's e-mail can link: a host of
/// letters, digits, dots and hyphens, an optional port, then an optional
/// path and query of URI characters (`%` only as `%XX`), at most
/// [`MAX_TRACKING_URL`] characters. The same rule as the pattern of
/// `ShipOrderRequest.trackingUrl` in `openapi.yaml`:
/// `^https?://[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]{1,5})?([/?]([A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*)?$`.
fn parse_tracking_url(value: &str) -> Result<String, ValidationError> {
    let invalid = || {
        ValidationError::new(
            "trackingUrl",
            format!("must be an http or https URL of at most {MAX_TRACKING_URL} characters"),
        )
    };
    if value.chars().count() > MAX_TRACKING_URL {
        return Err(invalid());
    }
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or_else(invalid)?;
    let bytes = rest.as_bytes();
    let host = bytes
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'.' || **b == b'-')
        .count();
    if host == 0 || !bytes[0].is_ascii_alphanumeric() {
        return Err(invalid());
    }
    let mut i = host;
    if bytes.get(i) == Some(&b':') {
        let digits = bytes[i + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if !(1..=5).contains(&digits) {
            return Err(invalid());
        }
        i += 1 + digits;
    }
    match bytes.get(i) {
        None => return Ok(value.to_string()),
        Some(b'/' | b'?') => i += 1,
        Some(_) => return Err(invalid()),
    }
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or_else(invalid)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return Err(invalid());
            }
            i += 3;
        } else if b.is_ascii_alphanumeric() || b"._~!$&'()*+,;=:@/?-".contains(&b) {
            i += 1;
        } else {
            return Err(invalid());
        }
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::order::OrderLine;

    // Built from JSON, as stored, so the tests name only the fields the
    // pick list reads.
    fn line(sku: &str, name: &str, quantity: u32) -> OrderLine {
        let money = |amount: u32| serde_json::json!({"amount": amount, "currency": "USD"});
        serde_json::from_value(serde_json::json!({
            "sku": sku, "name": name, "quantity": quantity,
            "unitPrice": money(100), "lineTotal": money(100 * quantity),
        }))
        .unwrap()
    }

    fn order(number: &str, lines: Vec<OrderLine>) -> Order {
        let json = serde_json::json!({
            "orderId": format!("id-{number}"), "orderNumber": number, "customerSub": "ann",
            "customer": {"name": "Ann", "email": "ann@example.com"},
            "shippingAddress": {"line1": "1 Main St", "city": "Springfield", "postalCode": "62701", "country": "US"},
            "payment": {"methodToken": "pm_card_visa"}, "lines": lines,
            "subtotal": {"amount": 0, "currency": "USD"}, "total": {"amount": 0, "currency": "USD"},
            "status": "AWAITING_FULFILMENT", "statusHistory": [], "cartId": "c",
            "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z",
        });
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn the_pick_list_totals_units_per_sku_sorted_by_sku_naming_the_orders() {
        let orders = [
            order(
                "ORD-000002",
                vec![line("TEE-M", "Tee M", 2), line("MUG", "Mug", 1)],
            ),
            order("ORD-000001", vec![line("MUG", "Mug", 3)]),
            order("ORD-000003", vec![line("CAP", "Cap", 1)]),
        ];
        let list = pick_list(&orders);
        let summary: Vec<(&str, u64, Vec<&str>)> = list
            .iter()
            .map(|e| {
                (
                    e.sku.as_str(),
                    e.quantity,
                    e.orders.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("CAP", 1, vec!["ORD-000003"]),
                ("MUG", 4, vec!["ORD-000002", "ORD-000001"]),
                ("TEE-M", 2, vec!["ORD-000002"]),
            ]
        );
        assert_eq!(list[1].name, "Mug");
        assert!(pick_list(&[]).is_empty());
    }

    #[test]
    fn staff_ship_with_the_shop_carrier_or_with_all_of_another_carriers_details() {
        assert_eq!(ShipWith::parse(None, None, None), Ok(ShipWith::ShopCarrier));
        let other = ShipWith::parse(
            Some("  Parcel Co "),
            Some("1Z999AA10123456784"),
            Some("https://track.parcel.example/t?n=1Z999AA10123456784"),
        )
        .unwrap();
        let shipment = other.other_carrier_shipment("now").unwrap();
        assert_eq!(shipment.carrier, "Parcel Co");
        assert_eq!(shipment.tracking_number, "1Z999AA10123456784");
        assert!(other.matches(&shipment));
        for partial in [
            (Some("Parcel Co"), None, None),
            (None, Some("AB1"), None),
            (Some("Parcel Co"), Some("AB1"), None),
            (None, Some("AB1"), Some("https://t.example")),
        ] {
            assert_eq!(
                ShipWith::parse(partial.0, partial.1, partial.2),
                Err(ShipInputError::Incomplete),
                "{partial:?}"
            );
        }
    }

    #[test]
    fn tracking_numbers_are_letters_digits_and_hyphens() {
        for good in [
            "A",
            "1Z999AA10123456784",
            "RR-123-GB",
            "ab-",
            &"9".repeat(64),
        ] {
            assert!(parse_tracking_number(good).is_ok(), "{good}");
        }
        for bad in ["", "-AB", "AB 12", "AB_12", "ÄB", &"9".repeat(65), "AB\n"] {
            assert!(parse_tracking_number(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tracking_urls_are_http_urls_a_customer_can_follow() {
        for good in [
            "https://t.example",
            "http://t.example:8080",
            "https://t.example/",
            "https://t.example/track?n=AB1&lang=en",
            "https://t.example/a%20b/c",
            "https://t.example?x=1",
        ] {
            assert!(parse_tracking_url(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "t.example",
            "ftp://t.example",
            "https://",
            "https://-x.example",
            "https://t.example:",
            "https://t.example:123456",
            "https://t.example#frag",
            "https://t.example/a b",
            "https://t.example/%2",
            "https://t.example/%zz",
            "https://user@t.example",
            "javascript:alert(1)",
        ] {
            assert!(parse_tracking_url(bad).is_err(), "{bad:?}");
        }
        let long = format!("https://t.example/{}", "a".repeat(MAX_TRACKING_URL));
        assert!(parse_tracking_url(&long).is_err());
    }

    #[test]
    fn a_carrier_name_is_required_text() {
        let err = ShipWith::parse(Some("   "), Some("AB1"), Some("https://t.example"));
        assert!(matches!(err, Err(ShipInputError::Invalid(_))), "{err:?}");
        let long = "x".repeat(MAX_CARRIER + 1);
        let err = ShipWith::parse(Some(&long), Some("AB1"), Some("https://t.example"));
        assert!(matches!(err, Err(ShipInputError::Invalid(_))), "{err:?}");
    }
}
