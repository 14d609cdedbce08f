//! The sandbox gateway: deterministic, following Stripe's test payment
//! methods, so every branch of the workflow can be driven from a checkout.
//!
//! | token | outcome |
//! | --- | --- |
//! | `pm_card_visa`, `pm_card_mastercard`, `pm_card_amex` | captured |
//! | `pm_card_visa_applepay`, `pm_card_visa_googlepay` (any `_applepay`/`_googlepay`) | captured as a wallet payment |
//! | `pm_card_chargeDeclined` | declined `generic_decline` |
//! | `pm_card_chargeDeclinedInsufficientFunds` | declined `insufficient_funds` |
//! | `pm_card_chargeDeclinedExpiredCard` | declined `expired_card` |
//! | `pm_card_chargeDeclinedIncorrectCvc` | declined `incorrect_cvc` |
//! | `pm_card_chargeDeclinedFraudulent` | declined `fraudulent` |
//! | anything else | declined `invalid_payment_method` |
//!
//! Ids are derived from the idempotency key, so a repeated request returns
//! the same charge, as Stripe's idempotency does.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::{Charge, ChargeRequest, MethodDetails, PaymentError, Refund};
use crate::domain::money::Money;

/// One operation the sandbox performed, keyed by its idempotency key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operation {
    Charge {
        payment_id: String,
        amount: Money,
    },
    Refund {
        payment_id: String,
        refund_id: String,
        amount: Money,
    },
}

/// The sandbox keeps a ledger of what it did, as a gateway's dashboard
/// would; a repeated idempotency key replays instead of acting twice.
#[derive(Clone, Debug, Default)]
pub struct SandboxGateway {
    ledger: Arc<Mutex<BTreeMap<String, Operation>>>,
}

fn id(prefix: &str, key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("{prefix}_sandbox_{hex}")
}

fn card(brand: &str, last4: &str, method_type: &str) -> MethodDetails {
    MethodDetails {
        method_type: method_type.to_string(),
        brand: Some(brand.to_string()),
        last4: Some(last4.to_string()),
    }
}

fn declined(code: &str, message: &str) -> PaymentError {
    PaymentError::Declined {
        code: code.to_string(),
        message: message.to_string(),
    }
}

impl SandboxGateway {
    /// What a token does, per the table above.
    pub fn method(token: &str) -> Result<MethodDetails, PaymentError> {
        let (base, method_type) = if let Some(b) = token.strip_suffix("_applepay") {
            (b, "apple_pay")
        } else if let Some(b) = token.strip_suffix("_googlepay") {
            (b, "google_pay")
        } else {
            (token, "card")
        };
        match base {
            "pm_card_visa" => Ok(card("visa", "4242", method_type)),
            "pm_card_mastercard" => Ok(card("mastercard", "4444", method_type)),
            "pm_card_amex" => Ok(card("amex", "8431", method_type)),
            "pm_card_chargeDeclined" => Err(declined("generic_decline", "Your card was declined.")),
            "pm_card_chargeDeclinedInsufficientFunds" => Err(declined(
                "insufficient_funds",
                "Your card has insufficient funds.",
            )),
            "pm_card_chargeDeclinedExpiredCard" => {
                Err(declined("expired_card", "Your card has expired."))
            }
            "pm_card_chargeDeclinedIncorrectCvc" => Err(declined(
                "incorrect_cvc",
                "Your card's security code is incorrect.",
            )),
            "pm_card_chargeDeclinedFraudulent" => {
                Err(declined("fraudulent", "Your card was declined."))
            }
            _ => Err(declined(
                "invalid_payment_method",
                "No such payment method.",
            )),
        }
    }

    pub fn charge(&self, request: &ChargeRequest<'_>) -> Result<Charge, PaymentError> {
        let method = Self::method(request.method_token)?;
        let payment_id = id("pi", &request.idempotency_key);
        self.record(
            &request.idempotency_key,
            Operation::Charge {
                payment_id: payment_id.clone(),
                amount: request.amount.clone(),
            },
        );
        Ok(Charge {
            provider: "sandbox".into(),
            payment_id,
            method,
            amount: request.amount.clone(),
        })
    }

    pub fn refund(
        &self,
        payment_id: &str,
        amount: &Money,
        idempotency_key: &str,
    ) -> Result<Refund, PaymentError> {
        if !payment_id.starts_with("pi_sandbox_") {
            return Err(declined("resource_missing", "No such payment."));
        }
        let refund_id = id("re", idempotency_key);
        self.record(
            idempotency_key,
            Operation::Refund {
                payment_id: payment_id.to_string(),
                refund_id: refund_id.clone(),
                amount: amount.clone(),
            },
        );
        Ok(Refund {
            refund_id,
            amount: amount.clone(),
        })
    }

    fn record(&self, key: &str, operation: Operation) {
        if let Ok(mut ledger) = self.ledger.lock() {
            ledger.entry(key.to_string()).or_insert(operation);
        }
    }

    /// Every distinct operation performed so far.
    pub fn operations(&self) -> Vec<Operation> {
        self.ledger
            .lock()
            .map(|l| l.values().cloned().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    fn request<'a>(token: &'a str, amount: &'a Money) -> ChargeRequest<'a> {
        ChargeRequest {
            order_id: "o1",
            amount,
            method_token: token,
            idempotency_key: "charge-o1-1".into(),
        }
    }

    #[test]
    fn stripe_test_cards_succeed_or_decline_with_their_reasons() {
        let amount = Money {
            amount: 1_000,
            currency: Currency::parse("USD").unwrap(),
        };
        let gateway = SandboxGateway::default();
        let visa = gateway.charge(&request("pm_card_visa", &amount)).unwrap();
        assert_eq!(visa.method.brand.as_deref(), Some("visa"));
        assert_eq!(visa.method.last4.as_deref(), Some("4242"));
        assert_eq!(
            gateway
                .charge(&request("pm_card_visa", &amount))
                .unwrap()
                .payment_id,
            visa.payment_id
        );
        let wallet = gateway
            .charge(&request("pm_card_visa_applepay", &amount))
            .unwrap();
        assert_eq!(wallet.method.method_type, "apple_pay");
        for (token, code) in [
            ("pm_card_chargeDeclined", "generic_decline"),
            (
                "pm_card_chargeDeclinedInsufficientFunds",
                "insufficient_funds",
            ),
            ("pm_card_chargeDeclinedExpiredCard", "expired_card"),
            ("pm_unknown", "invalid_payment_method"),
        ] {
            match gateway.charge(&request(token, &amount)) {
                Err(PaymentError::Declined { code: c, .. }) => assert_eq!(c, code),
                other => panic!("{token}: {other:?}"),
            }
        }
    }
}
