//! The shop's language: money, products, carts, orders and checkout input.
//! Nothing here knows about Lambda, HTTP or DynamoDB.

pub mod analytics;
pub mod cart;
pub mod checkout;
pub mod money;
pub mod order;
pub mod payment_events;
pub mod product;
pub mod promotion;
pub mod returns;

/// Input that breaks a rule, with the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    pub field: String,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Checks a free-text field: trimmed, non-empty when required, bounded.
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
    if v.chars().count() > max {
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
