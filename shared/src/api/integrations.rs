//! The shop's other systems, for administrators: webhook subscriptions
//! and their deliveries, and erasure of a customer's personal data.

use http::StatusCode;
use lambda_http::Request;
use serde::{Deserialize, Serialize};

use super::{
    json, json_body, page_limit, path_param, query_params, require_admin, ApiError, HttpResponse,
};
use crate::domain::erasure::{ErasureRecord, ErasureSource};
use crate::domain::events::EventType;
use crate::domain::now_rfc3339;
use crate::store::webhooks::{
    Delivery, DeliveryStatus, Subscription, SubscriptionChanges, WebhookStoreError,
};
use crate::webhooks::deliveries::{queue_delivery, DeliveryMessage};
use crate::webhooks::outbound::{self, UrlRefused};
use crate::App;

/// How long a replaced secret still signs deliveries.
const ROTATION_OVERLAP_HOURS: i64 = 24;

/// A subscription as administrators see it: never its secrets.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionView {
    pub webhook_id: String,
    pub url: String,
    pub description: String,
    pub event_types: Vec<EventType>,
    pub active: bool,
    pub state: &'static str,
    pub failing_since: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub secret_rotated_at: Option<String>,
    pub previous_secret_expires_at: Option<String>,
    /// Only in the answers that create or rotate it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl SubscriptionView {
    fn of(s: Subscription, with_secret: bool) -> Self {
        let now = now_rfc3339();
        let state = match (s.active, &s.failing_since) {
            (false, _) => "PAUSED",
            (true, Some(_)) => "FAILING",
            (true, None) => "ACTIVE",
        };
        Self {
            state,
            secret: with_secret.then(|| s.secret.clone()),
            previous_secret_expires_at: s.previous_secret_expires_at.filter(|until| *until > now),
            webhook_id: s.webhook_id,
            url: s.url,
            description: s.description,
            event_types: s.event_types,
            active: s.active,
            failing_since: s.failing_since,
            created_at: s.created_at,
            updated_at: s.updated_at,
            secret_rotated_at: s.secret_rotated_at,
        }
    }
}

/// A delivery as administrators see it: not its payload.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    pub delivery_id: String,
    pub webhook_id: String,
    pub event_id: String,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    pub attempts: Vec<crate::store::webhooks::Attempt>,
    pub created_at: String,
    pub updated_at: String,
    pub next_attempt_at: Option<String>,
    pub payload_erased: bool,
}

impl From<Delivery> for DeliveryView {
    fn from(d: Delivery) -> Self {
        Self {
            delivery_id: d.delivery_id,
            webhook_id: d.webhook_id,
            event_id: d.event_id,
            event_type: d.event_type,
            status: d.status,
            attempts: d.attempts,
            created_at: d.created_at,
            updated_at: d.updated_at,
            next_attempt_at: d.next_attempt_at,
            payload_erased: d.payload_erased,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateWebhookInput {
    url: String,
    event_types: Vec<EventType>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    active: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UpdateWebhookInput {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    event_types: Option<Vec<EventType>>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    active: Option<bool>,
}

fn invalid(field: &str, rule: &str) -> ApiError {
    ApiError::bad_request("invalid_field", format!("{field}: {rule}"))
}

fn checked_event_types(types: Vec<EventType>) -> Result<Vec<EventType>, ApiError> {
    if types.is_empty() {
        return Err(invalid("eventTypes", "at least one event type"));
    }
    let mut seen = Vec::new();
    for t in types {
        if seen.contains(&t) {
            return Err(invalid("eventTypes", "each type once"));
        }
        seen.push(t);
    }
    Ok(seen)
}

fn checked_description(description: Option<String>) -> Result<Option<String>, ApiError> {
    match description {
        Some(d) if d.chars().count() > 200 => Err(invalid("description", "at most 200 characters")),
        other => Ok(other.map(|d| d.trim().to_string())),
    }
}

/// The URL as the schema and the address guard allow it.
async fn checked_url(app: &App, url: &str) -> Result<String, ApiError> {
    if url.len() > 2048 {
        return Err(invalid("url", "at most 2048 characters"));
    }
    let allow_loopback = app.config.integrations.webhooks_allow_loopback;
    match outbound::check_url(url, allow_loopback).await {
        Ok(_) => Ok(url.to_string()),
        Err(UrlRefused::Invalid(message)) if !url.contains("://") => Err(invalid("url", &message)),
        Err(refused) => Err(ApiError::Unprocessable {
            code: "webhook_url_refused",
            message: refused.to_string(),
        }),
    }
}

fn webhook_id(request: &Request) -> Result<String, ApiError> {
    let id = path_param(request, "webhookId")?;
    uuid::Uuid::parse_str(&id)
        .map(|u| u.to_string())
        .map_err(|_| ApiError::NotFound("webhook subscription"))
}

async fn load(app: &App, webhook_id: &str) -> Result<Subscription, ApiError> {
    app.store()
        .get_subscription(webhook_id)
        .await?
        .ok_or(ApiError::NotFound("webhook subscription"))
}

/// `GET /admin/webhooks`.
pub async fn list(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let items: Vec<SubscriptionView> = app
        .store()
        .list_subscriptions()
        .await?
        .into_iter()
        .map(|s| SubscriptionView::of(s, false))
        .collect();
    Ok(json(StatusCode::OK, &serde_json::json!({ "items": items })))
}

/// `POST /admin/webhooks`: the answer holds the secret, this once.
pub async fn create(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let input: CreateWebhookInput = json_body(&request)?;
    let event_types = checked_event_types(input.event_types)?;
    let description = checked_description(input.description)?.unwrap_or_default();
    let url = checked_url(app, &input.url).await?;
    let now = now_rfc3339();
    let subscription = Subscription {
        webhook_id: uuid::Uuid::new_v4().to_string(),
        url,
        description,
        event_types,
        active: input.active.unwrap_or(true),
        failing_since: None,
        secret: outbound::new_secret()?,
        previous_secret: None,
        previous_secret_expires_at: None,
        secret_rotated_at: None,
        created_at: now.clone(),
        updated_at: now,
        version: 1,
    };
    app.store().create_subscription(&subscription).await?;
    tracing::info!(webhook = %subscription.webhook_id, "webhook subscription created");
    Ok(json(
        StatusCode::CREATED,
        &SubscriptionView::of(subscription, true),
    ))
}

/// `GET /admin/webhooks/{webhookId}`.
pub async fn get(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let subscription = load(app, &webhook_id(&request)?).await?;
    Ok(json(
        StatusCode::OK,
        &SubscriptionView::of(subscription, false),
    ))
}

/// Applies a change to the stored subscription, re-reading on a race.
async fn change(
    app: &App,
    webhook_id: &str,
    apply: impl Fn(&mut Subscription, &str) -> Result<(), ApiError>,
) -> Result<Subscription, ApiError> {
    for _ in 0..5 {
        let read = load(app, webhook_id).await?;
        let mut next = read.clone();
        let now = now_rfc3339();
        apply(&mut next, &now)?;
        next.updated_at = now;
        next.version = read.version + 1;
        match app.store().replace_subscription(&read, &next).await {
            Ok(true) => return Ok(next),
            Ok(false) => continue,
            Err(WebhookStoreError::NotFound) => {
                return Err(ApiError::NotFound("webhook subscription"))
            }
            Err(WebhookStoreError::Unexpected(e)) => return Err(e.into()),
        }
    }
    Err(ApiError::conflict(
        "settings_changed",
        "the subscription is being changed by someone else; try again",
    ))
}

/// `PATCH /admin/webhooks/{webhookId}`.
pub async fn update(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let id = webhook_id(&request)?;
    let input: UpdateWebhookInput = json_body(&request)?;
    if input.url.is_none()
        && input.event_types.is_none()
        && input.description.is_none()
        && input.active.is_none()
    {
        return Err(invalid("body", "at least one field to change"));
    }
    let changes = SubscriptionChanges {
        event_types: input.event_types.map(checked_event_types).transpose()?,
        description: checked_description(input.description)?,
        active: input.active,
        url: None,
    };
    // Exists before its URL is resolved.
    load(app, &id).await?;
    let url = match &input.url {
        Some(url) => Some(checked_url(app, url).await?),
        None => None,
    };
    let updated = change(app, &id, |s, _| {
        if let Some(url) = &url {
            s.url = url.clone();
        }
        if let Some(types) = &changes.event_types {
            s.event_types = types.clone();
        }
        if let Some(description) = &changes.description {
            s.description = description.clone();
        }
        if let Some(active) = changes.active {
            // Switching it on again clears the failing mark.
            if active {
                s.failing_since = None;
            }
            s.active = active;
        }
        Ok(())
    })
    .await?;
    Ok(json(StatusCode::OK, &SubscriptionView::of(updated, false)))
}

/// `DELETE /admin/webhooks/{webhookId}`.
pub async fn delete(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let id = webhook_id(&request)?;
    match app.store().delete_subscription(&id).await {
        Ok(()) => {}
        Err(WebhookStoreError::NotFound) => return Err(ApiError::NotFound("webhook subscription")),
        Err(WebhookStoreError::Unexpected(e)) => return Err(e.into()),
    }
    tracing::info!(webhook = %id, "webhook subscription deleted");
    Ok(http::Response::builder()
        .status(StatusCode::NO_CONTENT)
        .body(lambda_http::Body::Empty)
        .map_err(anyhow::Error::from)?)
}

/// `POST /admin/webhooks/{webhookId}/rotate-secret`.
pub async fn rotate_secret(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let id = webhook_id(&request)?;
    let secret = outbound::new_secret()?;
    let rotated = change(app, &id, |s, now| {
        let until = chrono::Utc::now() + chrono::Duration::hours(ROTATION_OVERLAP_HOURS);
        s.previous_secret = Some(std::mem::replace(&mut s.secret, secret.clone()));
        s.previous_secret_expires_at =
            Some(until.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
        s.secret_rotated_at = Some(now.to_string());
        Ok(())
    })
    .await?;
    tracing::info!(webhook = %id, "webhook secret rotated");
    Ok(json(StatusCode::OK, &SubscriptionView::of(rotated, true)))
}

/// `GET /admin/webhooks/{webhookId}/deliveries`.
pub async fn deliveries(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let id = webhook_id(&request)?;
    let params = query_params(&request);
    let limit = page_limit(&params)?;
    load(app, &id).await?;
    let page = app
        .store()
        .list_deliveries(&id, limit, params.get("cursor").map(String::as_str))
        .await?;
    Ok(json(
        StatusCode::OK,
        &crate::store::Page {
            items: page
                .items
                .into_iter()
                .map(DeliveryView::from)
                .collect::<Vec<_>>(),
            next_cursor: page.next_cursor,
        },
    ))
}

/// `POST /admin/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver`.
pub async fn redeliver(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let id = webhook_id(&request)?;
    let delivery_id = path_param(&request, "deliveryId")?;
    if delivery_id.len() != 32 || !delivery_id.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(ApiError::NotFound("webhook delivery"));
    }
    load(app, &id).await?;
    let store = app.store();
    let delivery = store
        .get_delivery(&id, &delivery_id)
        .await?
        .ok_or(ApiError::NotFound("webhook delivery"))?;
    if delivery.payload.is_none() {
        return Err(ApiError::conflict(
            "payload_erased",
            "the event named a customer whose personal data has been erased",
        ));
    }
    let now = now_rfc3339();
    store.reopen_delivery(&delivery, &now).await?;
    queue_delivery(
        app,
        &DeliveryMessage {
            webhook_id: id.clone(),
            delivery_id: delivery_id.clone(),
        },
    )
    .await?;
    let delivery = store
        .get_delivery(&id, &delivery_id)
        .await?
        .ok_or(ApiError::NotFound("webhook delivery"))?;
    Ok(json(StatusCode::ACCEPTED, &DeliveryView::from(delivery)))
}

fn customer_sub(request: &Request) -> Result<String, ApiError> {
    let sub = path_param(request, "customerSub")?;
    if crate::erasure::valid_sub(&sub) {
        Ok(sub)
    } else {
        Err(ApiError::NotFound("customer"))
    }
}

/// `POST /admin/customers/{customerSub}/erase`.
pub async fn erase_customer(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let admin = require_admin(&request)?;
    let sub = customer_sub(&request)?;
    let record: ErasureRecord = crate::erasure::request(app, &sub, ErasureSource::Admin).await?;
    tracing::info!(admin = %admin.sub, "customer erasure requested");
    Ok(json(StatusCode::ACCEPTED, &record))
}

/// `GET /admin/customers/{customerSub}/erasure`.
pub async fn get_erasure(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let sub = customer_sub(&request)?;
    let record = app
        .store()
        .get_erasure(&sub)
        .await?
        .ok_or(ApiError::NotFound("erasure"))?;
    Ok(json(StatusCode::OK, &record))
}
