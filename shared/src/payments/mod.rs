//! The payment-gateway port. The backend never sees card data: it charges a
//! payment-method token (`pm_…`) the storefront got from the gateway, and
//! keeps only the provider's ids, the method type, brand and last 4.
//!
//! Adapters: [`sandbox`] (the local default, following Stripe's test
//! payment methods) and [`stripe`] (PaymentIntents and refunds over
//! Stripe's API), chosen by `PAYMENT_GATEWAY`.

pub mod sandbox;
pub mod stripe;

use serde::{Deserialize, Serialize};

use crate::domain::money::Money;

/// How the customer paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodDetails {
    /// `card`, `apple_pay` or `google_pay`.
    pub method_type: String,
    pub brand: Option<String>,
    pub last4: Option<String>,
}

/// A captured charge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Charge {
    pub provider: String,
    pub payment_id: String,
    pub method: MethodDetails,
    pub amount: Money,
}

/// A refund the gateway accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refund {
    pub refund_id: String,
    pub amount: Money,
}

/// What a charge or refund request must say.
#[derive(Clone, Debug)]
pub struct ChargeRequest<'a> {
    pub order_id: &'a str,
    pub amount: &'a Money,
    pub method_token: &'a str,
    /// Sent to the gateway so a repeated request charges once.
    pub idempotency_key: String,
}

/// Why the gateway did not charge or refund.
#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    /// The issuer or the gateway refused; retrying will not help.
    #[error("payment declined: {code} ({message})")]
    Declined { code: String, message: String },
    /// The gateway could not be reached or failed; safe to retry with the
    /// same idempotency key.
    #[error("the payment gateway is unavailable")]
    Unavailable(#[source] anyhow::Error),
}

/// The configured gateway.
#[derive(Clone, Debug)]
pub enum PaymentGateway {
    Sandbox(sandbox::SandboxGateway),
    Stripe(stripe::StripeGateway),
}

impl PaymentGateway {
    /// The provider's name as the order records it.
    pub fn provider(&self) -> &'static str {
        match self {
            PaymentGateway::Sandbox(_) => "sandbox",
            PaymentGateway::Stripe(_) => "stripe",
        }
    }

    /// Captures `amount` from the payment method.
    pub async fn charge(&self, request: &ChargeRequest<'_>) -> Result<Charge, PaymentError> {
        match self {
            PaymentGateway::Sandbox(s) => s.charge(request),
            PaymentGateway::Stripe(s) => s.charge(request).await,
        }
    }

    /// Refunds `amount` of a captured charge.
    pub async fn refund(
        &self,
        payment_id: &str,
        amount: &Money,
        idempotency_key: &str,
    ) -> Result<Refund, PaymentError> {
        match self {
            PaymentGateway::Sandbox(s) => s.refund(payment_id, amount, idempotency_key),
            PaymentGateway::Stripe(s) => s.refund(payment_id, amount, idempotency_key).await,
        }
    }
}
