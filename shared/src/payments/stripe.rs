//! The Stripe adapter: PaymentIntents created and confirmed server-side in
//! one request, refunds against the PaymentIntent, both with an
//! `Idempotency-Key` so a repeated step charges or refunds once.
//!
//! Requests are form-encoded as Stripe's API expects, authenticated with
//! the secret key (from Secrets Manager in AWS; see [`crate::secrets`]) and
//! pinned to one API version. The key is never logged.
//!
//! Outcomes map onto the port's two errors: card errors and refused
//! requests are `Declined` (retrying will not help), while network errors,
//! timeouts, rate limits, 5xx answers, an idempotency conflict and a bad
//! API key are `Unavailable` (the workflow retries with the same key, then
//! compensates).

use std::time::Duration;

use anyhow::{anyhow, Context};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;
use tokio::sync::OnceCell;

use super::{Charge, ChargeRequest, MethodDetails, PaymentError, Refund};
use crate::domain::money::Money;
use crate::secrets::Secret;

/// Stripe's API.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";
/// The API version every request is pinned to.
pub const API_VERSION: &str = "2024-06-20";
/// How long one request may take before it counts as unavailable.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(8);

type HttpClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// Talks to Stripe (or, in tests, to a local stand-in at `api_base`).
#[derive(Clone, Debug)]
pub struct StripeGateway {
    api_base: String,
    secret_key: Secret,
    secrets: aws_sdk_secretsmanager::Client,
    client: std::sync::Arc<OnceCell<HttpClient>>,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: StripeError,
}

#[derive(Deserialize)]
struct StripeError {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    decline_code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Deserialize)]
struct PaymentIntent {
    id: String,
    amount: i64,
    currency: String,
    status: String,
    #[serde(default)]
    latest_charge: Option<ChargeObject>,
    #[serde(default)]
    last_payment_error: Option<StripeError>,
}

#[derive(Deserialize)]
struct ChargeObject {
    #[serde(default)]
    payment_method_details: Option<PaymentMethodDetails>,
}

#[derive(Deserialize)]
struct PaymentMethodDetails {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    card: Option<CardDetails>,
}

#[derive(Deserialize)]
struct CardDetails {
    #[serde(default)]
    brand: Option<String>,
    #[serde(default)]
    last4: Option<String>,
    #[serde(default)]
    wallet: Option<Wallet>,
}

#[derive(Deserialize)]
struct Wallet {
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Deserialize)]
struct RefundObject {
    id: String,
    amount: i64,
    status: String,
    #[serde(default)]
    failure_reason: Option<String>,
}

fn unavailable(error: impl Into<anyhow::Error>) -> PaymentError {
    PaymentError::Unavailable(error.into())
}

impl StripeError {
    fn declined(self, fallback: &str) -> PaymentError {
        PaymentError::Declined {
            code: self
                .decline_code
                .or(self.code)
                .unwrap_or_else(|| fallback.to_string()),
            message: self
                .message
                .unwrap_or_else(|| "The payment was declined.".into()),
        }
    }
}

impl StripeGateway {
    /// A gateway at `api_base` (normally [`DEFAULT_API_BASE`]) using the
    /// secret key `secret_key`.
    pub fn new(
        api_base: impl Into<String>,
        secret_key: Secret,
        secrets: aws_sdk_secretsmanager::Client,
    ) -> Self {
        Self {
            api_base: api_base.into().trim_end_matches('/').to_string(),
            secret_key,
            secrets,
            client: Default::default(),
        }
    }

    async fn client(&self) -> Result<&HttpClient, PaymentError> {
        self.client
            .get_or_try_init(|| async {
                Ok::<_, anyhow::Error>(
                    Client::builder(TokioExecutor::new()).build(crate::https::connector()),
                )
            })
            .await
            .map_err(unavailable)
    }

    /// POSTs `form` to `path`; the status and body of Stripe's answer.
    async fn post(
        &self,
        path: &str,
        form: &[(&str, String)],
        idempotency_key: &str,
    ) -> Result<(u16, Bytes), PaymentError> {
        let key = self
            .secret_key
            .value(&self.secrets)
            .await
            .map_err(unavailable)?;
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form.iter().map(|(k, v)| (*k, v.as_str())))
            .finish();
        let request = http::Request::post(format!("{}{path}", self.api_base))
            .header(http::header::AUTHORIZATION, format!("Bearer {key}"))
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header("Idempotency-Key", idempotency_key)
            .header("Stripe-Version", API_VERSION)
            .header(http::header::USER_AGENT, "order-service")
            .body(Full::new(Bytes::from(body)))
            .map_err(unavailable)?;
        let client = self.client().await?;
        let exchange = async {
            let response = client.request(request).await.context("calling Stripe")?;
            let status = response.status().as_u16();
            let body = response
                .into_body()
                .collect()
                .await
                .context("reading Stripe's answer")?
                .to_bytes();
            Ok::<_, anyhow::Error>((status, body))
        };
        tokio::time::timeout(REQUEST_TIMEOUT, exchange)
            .await
            .map_err(|_| unavailable(anyhow!("Stripe did not answer within {REQUEST_TIMEOUT:?}")))?
            .map_err(unavailable)
    }

    /// Turns a non-2xx answer into the port's error.
    fn failure(status: u16, body: &[u8]) -> PaymentError {
        let error = serde_json::from_slice::<ErrorBody>(body).map(|b| b.error);
        match (status, error) {
            (400 | 402 | 404, Ok(e)) if e.code.as_deref() != Some("idempotency_key_in_use") => {
                e.declined("card_declined")
            }
            (_, Ok(e)) => unavailable(anyhow!(
                "Stripe answered {status}: {} {}",
                e.kind.unwrap_or_default(),
                e.code.unwrap_or_default()
            )),
            (_, Err(_)) => unavailable(anyhow!("Stripe answered {status} without an error body")),
        }
    }

    /// Creates and confirms a PaymentIntent for the order's amount.
    pub async fn charge(&self, request: &ChargeRequest<'_>) -> Result<Charge, PaymentError> {
        let form = [
            ("amount", request.amount.amount.to_string()),
            (
                "currency",
                request.amount.currency.as_str().to_ascii_lowercase(),
            ),
            ("payment_method", request.method_token.to_string()),
            ("confirm", "true".into()),
            ("automatic_payment_methods[enabled]", "true".into()),
            ("automatic_payment_methods[allow_redirects]", "never".into()),
            ("description", format!("Order {}", request.order_id)),
            ("metadata[order_id]", request.order_id.to_string()),
            ("expand[]", "latest_charge".into()),
        ];
        let (status, body) = self
            .post("/v1/payment_intents", &form, &request.idempotency_key)
            .await?;
        if !(200..300).contains(&status) {
            return Err(Self::failure(status, &body));
        }
        let intent: PaymentIntent = serde_json::from_slice(&body)
            .map_err(|e| unavailable(anyhow!("unexpected PaymentIntent from Stripe: {e}")))?;
        match intent.status.as_str() {
            "succeeded" => {}
            "requires_action" => {
                return Err(PaymentError::Declined {
                    code: "authentication_required".into(),
                    message: "The card needs authentication the customer did not complete.".into(),
                })
            }
            "requires_payment_method" | "canceled" => {
                return Err(intent
                    .last_payment_error
                    .map(|e| e.declined("card_declined"))
                    .unwrap_or_else(|| PaymentError::Declined {
                        code: "card_declined".into(),
                        message: "The payment was declined.".into(),
                    }))
            }
            other => {
                return Err(unavailable(anyhow!(
                    "PaymentIntent {} is {other}",
                    intent.id
                )))
            }
        }
        if intent.amount != request.amount.amount
            || !intent
                .currency
                .eq_ignore_ascii_case(request.amount.currency.as_str())
        {
            return Err(unavailable(anyhow!(
                "PaymentIntent {} is for {} {}, not the order's amount",
                intent.id,
                intent.amount,
                intent.currency
            )));
        }
        let details = intent.latest_charge.and_then(|c| c.payment_method_details);
        let method = match details {
            Some(d) => {
                let card = d.card;
                let wallet = card.as_ref().and_then(|c| c.wallet.as_ref());
                MethodDetails {
                    method_type: wallet.map(|w| w.kind.clone()).unwrap_or(d.kind),
                    brand: card.as_ref().and_then(|c| c.brand.clone()),
                    last4: card.and_then(|c| c.last4),
                }
            }
            None => MethodDetails {
                method_type: "card".into(),
                brand: None,
                last4: None,
            },
        };
        Ok(Charge {
            provider: "stripe".into(),
            payment_id: intent.id,
            method,
            amount: request.amount.clone(),
        })
    }

    /// Refunds `amount` of the PaymentIntent `payment_id`.
    pub async fn refund(
        &self,
        payment_id: &str,
        amount: &Money,
        idempotency_key: &str,
    ) -> Result<Refund, PaymentError> {
        let form = [
            ("payment_intent", payment_id.to_string()),
            ("amount", amount.amount.to_string()),
        ];
        let (status, body) = self.post("/v1/refunds", &form, idempotency_key).await?;
        if !(200..300).contains(&status) {
            return Err(Self::failure(status, &body));
        }
        let refund: RefundObject = serde_json::from_slice(&body)
            .map_err(|e| unavailable(anyhow!("unexpected Refund from Stripe: {e}")))?;
        if matches!(refund.status.as_str(), "failed" | "canceled") {
            return Err(PaymentError::Declined {
                code: refund
                    .failure_reason
                    .unwrap_or_else(|| "refund_failed".into()),
                message: format!("Stripe could not refund {payment_id}."),
            });
        }
        Ok(Refund {
            refund_id: refund.id,
            amount: Money {
                amount: refund.amount,
                currency: amount.currency.clone(),
            },
        })
    }
}
