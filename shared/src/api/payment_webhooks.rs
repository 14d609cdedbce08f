//! `POST /webhooks/payments`: the payment gateway's events, in Stripe's
//! format, accepted only with a valid `Stripe-Signature` and processed once
//! per event id. Each event reconciles the order with what the gateway
//! knows, so a charge whose answer was lost, a capture that landed after a
//! cancel, or a refund made from the gateway's dashboard still ends with
//! the order and the money in agreement.
//!
//! | event | effect |
//! | --- | --- |
//! | `payment_intent.succeeded` | a RESERVED order becomes PAID; a cancelled or failed order is refunded; nothing when already recorded |
//! | `payment_intent.payment_failed` | the decline is recorded on a RESERVED order, so the charge step fails it |
//! | `charge.refunded` | the refunded amount is recorded; REFUNDED once all of it is back |
//! | anything else | acknowledged, no change |

use http::StatusCode;
use lambda_http::Request;
use serde::Deserialize;

use super::{json, ApiError, HttpResponse};
use crate::domain::money::{Currency, Money};
use crate::domain::now_rfc3339;
use crate::domain::order::{OrderStatus, PaymentRecord, PaymentStatus};
use crate::store::workflow_steps::StepWriteError;
use crate::workers::payment::{reconcile_capture, Capture};
use crate::App;

/// The header carrying the gateway's signature (`t=…,v1=…`).
pub const SIGNATURE_HEADER: &str = "stripe-signature";

#[derive(Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: EventData,
}

#[derive(Deserialize)]
struct EventData {
    object: serde_json::Value,
}

#[derive(Deserialize, Default)]
struct Metadata {
    #[serde(default)]
    order_id: Option<String>,
}

#[derive(Deserialize)]
struct LastError {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    decline_code: Option<String>,
}

#[derive(Deserialize)]
struct IntentObject {
    id: String,
    amount: i64,
    currency: String,
    #[serde(default)]
    metadata: Metadata,
    #[serde(default)]
    payment_method_types: Vec<String>,
    #[serde(default)]
    last_payment_error: Option<LastError>,
}

#[derive(Deserialize)]
struct RefundList {
    #[serde(default)]
    data: Vec<RefundItem>,
}

#[derive(Deserialize)]
struct RefundItem {
    id: String,
}

#[derive(Deserialize)]
struct ChargeObject {
    payment_intent: Option<String>,
    amount_refunded: i64,
    currency: String,
    #[serde(default)]
    metadata: Metadata,
    #[serde(default)]
    refunds: Option<RefundList>,
}

fn object<T: serde::de::DeserializeOwned>(event: &Event) -> Result<T, ApiError> {
    serde_json::from_value(event.data.object.clone()).map_err(|e| {
        ApiError::bad_request("invalid_event", format!("{}: data.object: {e}", event.kind))
    })
}

fn money(amount: i64, currency: &str) -> Result<Money, ApiError> {
    let currency = Currency::parse(&currency.to_ascii_uppercase())
        .map_err(|_| ApiError::bad_request("invalid_event", "currency: not an ISO 4217 code"))?;
    Ok(Money { amount, currency })
}

/// What processing an event did, reported back to the gateway.
fn outcome(duplicate: bool, action: &str) -> HttpResponse {
    json(
        StatusCode::OK,
        &serde_json::json!({ "received": true, "duplicate": duplicate, "action": action }),
    )
}

/// `POST /webhooks/payments`.
pub async fn payment_webhook(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    super::verify_webhook(
        app,
        app.config.payment_webhook_secret.as_ref(),
        SIGNATURE_HEADER,
        &request,
    )
    .await?;
    let event: Event = super::json_body(&request)?;
    let event_id = crate::domain::text("id", &event.id, true, 255)?;
    let store = app.store();
    if store.webhook_event_processed("payments", &event_id).await? {
        return Ok(outcome(true, "none"));
    }
    let action = match event.kind.as_str() {
        "payment_intent.succeeded" => intent_succeeded(app, object(&event)?).await?,
        "payment_intent.payment_failed" => intent_failed(app, object(&event)?).await?,
        "charge.refunded" => charge_refunded(app, object(&event)?).await?,
        _ => "ignored",
    };
    store
        .mark_webhook_event_processed("payments", &event_id, &event.kind, &now_rfc3339())
        .await?;
    tracing::info!(event_id = %event_id, event_type = %event.kind, action, "payment event processed");
    Ok(outcome(false, action))
}

async fn order_of(
    app: &App,
    metadata: &Metadata,
) -> Result<Option<crate::domain::order::Order>, ApiError> {
    let Some(order_id) = metadata.order_id.as_deref() else {
        return Ok(None);
    };
    Ok(app.store().get_order(order_id).await?)
}

async fn intent_succeeded(app: &App, intent: IntentObject) -> Result<&'static str, ApiError> {
    let Some(order) = order_of(app, &intent.metadata).await? else {
        return Ok("unknown_order");
    };
    let amount = money(intent.amount, &intent.currency)?;
    if amount != order.total {
        // Retrying the event cannot fix this; it needs a person.
        tracing::error!(order_id = %order.order_id, payment_id = %intent.id, "a capture for another amount than the order's total");
        return Ok("amount_mismatch");
    }
    let method_type = intent
        .payment_method_types
        .into_iter()
        .next()
        .unwrap_or_else(|| "card".into());
    let record = PaymentRecord::captured(
        app.payments.provider(),
        intent.id,
        method_type,
        None,
        None,
        amount,
        &now_rfc3339(),
    );
    Ok(
        match reconcile_capture(app, &order.order_id, &record).await? {
            Capture::Recorded => "order_paid",
            Capture::AlreadyRecorded => "none",
            Capture::RefundedLate(_) => "refunded",
        },
    )
}

async fn intent_failed(app: &App, intent: IntentObject) -> Result<&'static str, ApiError> {
    let Some(order) = order_of(app, &intent.metadata).await? else {
        return Ok("unknown_order");
    };
    if order.status != OrderStatus::Reserved || order.payment_record.is_some() {
        return Ok("none");
    }
    let code = intent
        .last_payment_error
        .and_then(|e| e.decline_code.or(e.code))
        .unwrap_or_else(|| "card_declined".into());
    let now = now_rfc3339();
    let record = PaymentRecord::declined(
        app.payments.provider(),
        Some(intent.id),
        money(intent.amount, &intent.currency)?,
        code,
        &now,
    );
    match app
        .store()
        .record_decline(&order.order_id, &record, &now)
        .await
    {
        Ok(_) => Ok("decline_recorded"),
        Err(StepWriteError::NotApplicable(_)) => Ok("none"),
        Err(StepWriteError::Unexpected(e)) => Err(e.into()),
    }
}

async fn charge_refunded(app: &App, charge: ChargeObject) -> Result<&'static str, ApiError> {
    let Some(order) = order_of(app, &charge.metadata).await? else {
        return Ok("unknown_order");
    };
    let Some(payment) = order
        .payment_record
        .clone()
        .filter(|p| p.status == PaymentStatus::Captured && p.payment_id == charge.payment_intent)
    else {
        return Ok("none");
    };
    let refunded = money(charge.amount_refunded, &charge.currency)?;
    if refunded.currency != payment.amount.currency
        || refunded.amount <= payment.refunded.as_ref().map_or(0, |m| m.amount)
    {
        return Ok("none");
    }
    let now = now_rfc3339();
    let full = refunded.amount >= payment.amount.amount;
    let record = PaymentRecord {
        status: if full {
            PaymentStatus::Refunded
        } else {
            PaymentStatus::Captured
        },
        refund_id: charge
            .refunds
            .and_then(|r| r.data.into_iter().next())
            .map(|r| r.id)
            .or(payment.refund_id.clone()),
        refunded: Some(refunded),
        updated_at: now.clone(),
        ..payment
    };
    match app
        .store()
        .record_external_refund(&order.order_id, &record, &now)
        .await
    {
        Ok(_) => Ok(if full {
            "refund_recorded"
        } else {
            "partial_refund_recorded"
        }),
        Err(StepWriteError::NotApplicable(_)) => Ok("none"),
        Err(StepWriteError::Unexpected(e)) => Err(e.into()),
    }
}
