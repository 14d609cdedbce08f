//! Parcel tracking: the carrier's signed webhook and the customer's timeline.

use http::StatusCode;
use lambda_http::Request;
use serde::{Deserialize, Serialize};

use super::{json, json_body, path_param, require_customer, ApiError, HttpResponse};
use crate::domain::now_rfc3339;
use crate::domain::order::{OrderStatus, TrackingEvent};
use crate::notifications::{notify, EmailKind};
use crate::store::workflow_steps::StepWriteError;
use crate::App;

/// The header carrying the carrier's signature (`t=…,v1=…`).
pub const CARRIER_SIGNATURE_HEADER: &str = "carrier-signature";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CarrierEventInput {
    event_id: String,
    tracking_number: String,
    #[serde(rename = "type")]
    kind: String,
    occurred_at: String,
    #[serde(default)]
    location: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

const EVENT_TYPES: &[&str] = &["in_transit", "out_for_delivery", "delivered", "exception"];

/// `POST /webhooks/carrier`: a signed carrier event, processed once per
/// event id; `delivered` moves a SHIPPED order to DELIVERED and e-mails the
/// customer.
pub async fn carrier_webhook(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    super::verify_webhook(
        app,
        app.config.carrier_webhook_secret.as_ref(),
        CARRIER_SIGNATURE_HEADER,
        &request,
    )
    .await?;
    let input: CarrierEventInput = json_body(&request)?;
    if !EVENT_TYPES.contains(&input.kind.as_str()) {
        return Err(ApiError::bad_request(
            "invalid_field",
            format!("type: must be one of {}", EVENT_TYPES.join(", ")),
        ));
    }
    let event_id = crate::domain::text("eventId", &input.event_id, true, 100)?;
    // Checked before the lookup: DynamoDB refuses an empty key value.
    let tracking_number = crate::domain::text("trackingNumber", &input.tracking_number, true, 100)?;
    let at = chrono::DateTime::parse_from_rfc3339(&input.occurred_at)
        .map_err(|_| {
            ApiError::bad_request("invalid_field", "occurredAt: must be an RFC 3339 time")
        })?
        .with_timezone(&chrono::Utc)
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let event = TrackingEvent {
        event_id,
        kind: input.kind,
        at,
        location: input
            .location
            .map(|l| crate::domain::text("location", &l, false, 200))
            .transpose()?,
        description: input
            .description
            .map(|d| crate::domain::text("description", &d, false, 500))
            .transpose()?,
    };
    let store = app.store();
    for _ in 0..3 {
        let order = store
            .find_order_by_tracking_number(&tracking_number)
            .await?
            .ok_or(ApiError::NotFound("shipment"))?;
        // A carrier repeats an event until it hears 2xx: one already
        // recorded is acknowledged whatever the order became since (a
        // delivered order may have been refunded in between).
        if order
            .tracking_events
            .iter()
            .any(|e| e.event_id == event.event_id)
        {
            return Ok(json(
                StatusCode::OK,
                &serde_json::json!({ "received": true, "duplicate": true }),
            ));
        }
        if !matches!(order.status, OrderStatus::Shipped | OrderStatus::Delivered) {
            return Err(ApiError::conflict(
                "not_shipped",
                "the order is not shipped",
            ));
        }
        match store
            .record_carrier_event(&order, &event, &now_rfc3339())
            .await
        {
            Ok(false) => {
                return Ok(json(
                    StatusCode::OK,
                    &serde_json::json!({ "received": true, "duplicate": true }),
                ))
            }
            Ok(true) => {
                if event.kind == "delivered" {
                    if let Some(current) = store.get_order(&order.order_id).await? {
                        notify(app, &current, EmailKind::Delivered, None).await?;
                    }
                }
                return Ok(json(
                    StatusCode::OK,
                    &serde_json::json!({ "received": true, "duplicate": false }),
                ));
            }
            Err(StepWriteError::NotApplicable(_)) => continue,
            Err(StepWriteError::Unexpected(e)) => return Err(e.into()),
        }
    }
    Err(ApiError::conflict(
        "order_busy",
        "the order kept changing; retry",
    ))
}

/// One entry of an order's tracking timeline.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TimelineEntry {
    at: String,
    /// `status` (the order's) or `carrier` (the parcel's).
    source: &'static str,
    status: Option<OrderStatus>,
    #[serde(rename = "type")]
    kind: Option<String>,
    location: Option<String>,
    description: Option<String>,
}

/// `GET /orders/{orderId}/tracking`: the order's status changes and carrier
/// events, oldest first.
pub async fn order_tracking(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let caller = require_customer(&request)?;
    let order_id = path_param(&request, "orderId")?;
    if uuid::Uuid::parse_str(&order_id).is_err() {
        return Err(ApiError::NotFound("order"));
    }
    let order = app
        .store()
        .get_order(&order_id)
        .await?
        .filter(|o| o.customer_sub == caller.sub)
        .ok_or(ApiError::NotFound("order"))?;
    let mut timeline: Vec<TimelineEntry> = order
        .status_history
        .iter()
        .map(|c| TimelineEntry {
            at: c.at.clone(),
            source: "status",
            status: Some(c.status),
            kind: None,
            location: None,
            description: c.reason.clone(),
        })
        .chain(order.tracking_events.iter().map(|e| TimelineEntry {
            at: e.at.clone(),
            source: "carrier",
            status: None,
            kind: Some(e.kind.clone()),
            location: e.location.clone(),
            description: e.description.clone(),
        }))
        .collect();
    timeline.sort_by(|a, b| a.at.cmp(&b.at));
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({
            "orderId": order.order_id,
            "orderNumber": order.order_number,
            "status": order.status,
            "shipment": order.shipment,
            "timeline": timeline,
        }),
    ))
}
