//! The shop's language: money, products, carts, orders and checkout input.
//! Nothing here knows about Lambda, HTTP or DynamoDB.

pub mod analytics;
pub mod cart;
pub mod checkout;
pub mod countries;
pub mod erasure;
pub mod events;
pub mod fulfilment;
pub mod json_input;
pub mod money;
pub mod order;
pub mod payment_events;
pub mod pricing;
pub mod product;
pub mod promotion;
pub mod returns;
pub mod settings;
pub mod shipping;
pub mod tax;

/// Input that breaks a rule, with the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    pub field: String,
    pub message: String,
    /// The rule relates two values (an end before its start, a range too
    /// long): each value is well formed on its own, so the request matches
    /// the published schema and the answer is 422 `invalid_range`, not 400.
    pub range: bool,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
            range: false,
        }
    }

    /// A rule between two well-formed values (see [`ValidationError::range`]).
    pub fn range(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            range: true,
            ..Self::new(field, message)
        }
    }
}

/// Checks a free-text field: trimmed, non-empty when required, bounded.
/// The length and the control characters are checked on the value as sent,
/// as the OpenAPI `maxLength` and `pattern` state them.
pub fn text(
    field: &str,
    value: &str,
    required: bool,
    max: usize,
) -> Result<String, ValidationError> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(ValidationError::new(field, "is required"));
    }
    if value.chars().count() > max {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if v.chars().any(|c| c.is_control()) {
        return Err(ValidationError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(v.to_string())
}

/// Current time as RFC 3339 with milliseconds, the format every timestamp uses.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
