//! The checkout request: who buys, where it goes, how it is paid.

use serde::{Deserialize, Serialize};

use super::order::PaymentMethod;
use super::{text, ValidationError};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    pub line1: String,
    #[serde(default)]
    pub line2: Option<String>,
    pub city: String,
    #[serde(default)]
    pub region: Option<String>,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

/// The body of `POST /carts/{cartId}/checkout` as received. Prices, totals
/// and statuses a client sends are not part of it and are ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutInput {
    pub customer: CustomerInput,
    /// Optional when the cart has one (`PUT /carts/{cartId}/shipping-address`).
    #[serde(default)]
    pub shipping_address: Option<AddressInput>,
    #[serde(default)]
    pub billing_address: Option<AddressInput>,
    pub payment: PaymentInput,
    /// The total the customer was shown; checkout refuses to charge another.
    #[serde(default)]
    pub expected_total: Option<super::promotion::MoneyInput>,
}

#[derive(Debug, Deserialize)]
pub struct CustomerInput {
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressInput {
    pub line1: String,
    #[serde(default)]
    pub line2: Option<String>,
    pub city: String,
    #[serde(default)]
    pub region: Option<String>,
    pub postal_code: String,
    pub country: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentInput {
    pub method_token: String,
}

/// A validated checkout request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckoutDetails {
    pub customer: Customer,
    pub shipping_address: Option<Address>,
    pub billing_address: Option<Address>,
    pub payment: PaymentMethod,
    /// The total the customer was shown, in minor units.
    pub expected_total: Option<i64>,
}

/// The characters RFC 5322 allows in a dot-atom's atoms.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c)
}

/// A domain label: letters, digits and inner hyphens, at most 63 long.
fn is_domain_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// An address a mail service takes: a dot-atom local part and a domain of
/// at least two labels, in ASCII (an internationalised domain in its
/// punycode form), as the `CustomerInput.email` pattern of openapi.yaml
/// says. Anything else would be accepted here and refused by SES later.
fn email(value: &str) -> Result<String, ValidationError> {
    let v = text("customer.email", value, true, 254)?;
    let valid = match v.split_once('@') {
        Some((local, domain)) => {
            local
                .split('.')
                .all(|atom| !atom.is_empty() && atom.chars().all(is_atext))
                && domain.split('.').count() >= 2
                && domain.split('.').all(is_domain_label)
        }
        None => false,
    };
    if valid {
        Ok(v)
    } else {
        Err(ValidationError::new(
            "customer.email",
            "must be an e-mail address",
        ))
    }
}

/// What orders are found by their customer's e-mail with (the
/// `customerEmail` attribute of the `ByCustomerEmail` index): the address
/// lower-cased, so a search ignores case.
pub fn email_search_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// An e-mail address to search orders by, as its search key; `None` when
/// it cannot be an address checkout would have accepted.
pub fn search_email(value: &str) -> Option<String> {
    email(value).ok().map(|v| email_search_key(&v))
}

fn phone(value: Option<&str>) -> Result<Option<String>, ValidationError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let digits = v.chars().filter(|c| c.is_ascii_digit()).count();
    let allowed = v
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')' | '.'));
    if allowed && (6..=15).contains(&digits) {
        Ok(Some(v.to_string()))
    } else {
        Err(ValidationError::new(
            "customer.phone",
            "must be a phone number: 6 to 15 digits, optionally with a leading +, spaces, dashes, dots or brackets",
        ))
    }
}

/// Validates an address; `prefix` names its fields in errors.
pub fn address(prefix: &str, a: &AddressInput) -> Result<Address, ValidationError> {
    let f = |name: &str| format!("{prefix}.{name}");
    let country = a.country.trim().to_ascii_uppercase();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ValidationError::new(
            f("country"),
            "must be an ISO 3166-1 alpha-2 code such as US",
        ));
    }
    let optional = |name: &str, v: &Option<String>| -> Result<Option<String>, ValidationError> {
        match v {
            Some(s) => Ok(Some(text(&f(name), s, false, 200)?).filter(|s| !s.is_empty())),
            None => Ok(None),
        }
    };
    Ok(Address {
        line1: text(&f("line1"), &a.line1, true, 200)?,
        line2: optional("line2", &a.line2)?,
        city: text(&f("city"), &a.city, true, 100)?,
        region: optional("region", &a.region)?,
        postal_code: text(&f("postalCode"), &a.postal_code, true, 20)?,
        country,
    })
}

impl TryFrom<&CheckoutInput> for CheckoutDetails {
    type Error = ValidationError;

    fn try_from(input: &CheckoutInput) -> Result<Self, Self::Error> {
        let token = input.payment.method_token.trim();
        let token_ok = token.starts_with("pm_")
            && token.len() <= 255
            && token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !token_ok {
            return Err(ValidationError::new(
                "payment.methodToken",
                "must be a payment-method token from the payment gateway (pm_...)",
            ));
        }
        Ok(Self {
            customer: Customer {
                name: text("customer.name", &input.customer.name, true, 200)?,
                email: email(&input.customer.email)?,
                phone: phone(input.customer.phone.as_deref())?,
            },
            shipping_address: input
                .shipping_address
                .as_ref()
                .map(|a| address("shippingAddress", a))
                .transpose()?,
            billing_address: input
                .billing_address
                .as_ref()
                .map(|a| address("billingAddress", a))
                .transpose()?,
            payment: PaymentMethod {
                method_token: token.to_string(),
            },
            expected_total: match &input.expected_total {
                None => None,
                Some(m) if (0..=i64::MAX / 2).contains(&m.amount) && m.currency.len() == 3 => {
                    Some(m.amount)
                }
                Some(_) => {
                    return Err(ValidationError::new(
                        "expectedTotal",
                        "must be a non-negative amount in the shop's currency",
                    ))
                }
            },
        })
    }
}

/// Field names that only card data goes by.
const CARD_FIELDS: &[&str] = &[
    "number",
    "cardnumber",
    "card_number",
    "pan",
    "cvc",
    "cvv",
    "cvc2",
    "cvv2",
    "securitycode",
    "security_code",
    "expmonth",
    "exp_month",
    "expyear",
    "exp_year",
];

fn luhn_valid(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                if d * 2 > 9 {
                    d * 2 - 9
                } else {
                    d * 2
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn looks_like_card_number(text: &str) -> bool {
    if !text
        .chars()
        .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
    {
        return false;
    }
    let digits: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
    (13..=19).contains(&digits.len()) && luhn_valid(&digits)
}

/// Whether a request body carries card data (a card-number-shaped value or
/// a card field). The backend must never receive, store or log it: the
/// storefront tokenises with the gateway and sends a `pm_…` token.
pub fn contains_card_data(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(s) => looks_like_card_number(s),
        serde_json::Value::Number(n) => looks_like_card_number(&n.to_string()),
        serde_json::Value::Array(items) => items.iter().any(contains_card_data),
        serde_json::Value::Object(map) => map.iter().any(|(k, v)| {
            let key = k.to_ascii_lowercase();
            (CARD_FIELDS.contains(&key.as_str()) && !v.is_null()) || contains_card_data(v)
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(email: &str, token: &str) -> CheckoutInput {
        serde_json::from_value(serde_json::json!({
            "customer": {"name": "Ada Lovelace", "email": email, "phone": "+15555550100"},
            "shippingAddress": {"line1": "1 Main St", "line2": null, "city": "Springfield",
                                "region": "IL", "postalCode": "62701", "country": "us"},
            "billingAddress": null,
            "payment": {"methodToken": token}
        }))
        .unwrap()
    }

    #[test]
    fn card_numbers_and_cvcs_are_recognised_anywhere_in_a_body() {
        assert!(contains_card_data(
            &serde_json::json!({"payment": {"number": "4242 4242 4242 4242"}})
        ));
        assert!(contains_card_data(
            &serde_json::json!({"payment": {"methodToken": "pm_card_visa", "cvc": "123"}})
        ));
        assert!(contains_card_data(
            &serde_json::json!({"note": "4000-0566-5566-5556"})
        ));
        assert!(contains_card_data(
            &serde_json::json!({"x": 4242424242424242u64})
        ));
        let clean = serde_json::to_value(serde_json::json!({
            "customer": {"phone": "+15555550100"},
            "shippingAddress": {"postalCode": "62701"},
            "payment": {"methodToken": "pm_card_visa"}
        }))
        .unwrap();
        assert!(!contains_card_data(&clean));
        assert!(
            !contains_card_data(&serde_json::json!({"ref": "1234567890123"})),
            "not Luhn-valid"
        );
    }

    #[test]
    fn a_complete_checkout_is_accepted_and_normalised() {
        let d = CheckoutDetails::try_from(&input("ada@example.com", "pm_card_visa")).unwrap();
        assert_eq!(d.shipping_address.unwrap().country, "US");
        assert_eq!(d.payment.method_token, "pm_card_visa");
    }

    #[test]
    fn a_bad_email_or_token_is_refused_with_its_field() {
        let e = CheckoutDetails::try_from(&input("ada.example.com", "pm_card_visa")).unwrap_err();
        assert_eq!(e.field, "customer.email");
        let e =
            CheckoutDetails::try_from(&input("ada@example.com", "4242424242424242")).unwrap_err();
        assert_eq!(e.field, "payment.methodToken");
    }

    #[test]
    fn only_addresses_a_mail_service_takes_are_accepted() {
        for ok in [
            "ada@example.com",
            "  ada@example.com\u{3000}",
            "a.b+tag@mail.example.co.uk",
            "o'brien@xn--bcher-kva.example",
        ] {
            assert!(email(ok).is_ok(), "{ok}");
        }
        // What SES would refuse later (the last one was found by schemathesis:
        // accepted at checkout, it failed the cancellation e-mail).
        for bad in [
            "ada@example",
            "a..b@example.com",
            ".ada@example.com",
            "ada@-example.com",
            "ada@exa_mple.com",
            "ada lovelace@example.com",
            "\u{143}\u{10b}@example.com",
            "\u{143}\u{10b}\u{143}^\u{131}}#O\u{105}{@]5\u{a6}_\u{123}>.\u{b4}9\u{d0}",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }
}
