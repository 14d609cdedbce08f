//! Order changes pushed to browsers over API Gateway's WebSocket API.
//!
//! 1. A signed-in client asks `POST /realtime/tickets` for a ticket: 256
//!    random bits, valid for [`TICKET_SECONDS`] and one connection; only
//!    its SHA-256 is stored. Browsers cannot set headers on a WebSocket,
//!    and a ticket in the query string is harmless in access logs where a
//!    long-lived ID token would not be.
//! 2. `$connect` runs the REQUEST authorizer ([`authorize`]), which takes
//!    (deletes) the ticket and passes its `sub` and scope to the `$connect`
//!    handler ([`connect`]) in the authorizer context; that handler records
//!    the connection under its audience. `$disconnect` ([`disconnect`])
//!    forgets it.
//! 3. The notifier ([`notify`]) reads the Orders table's stream and posts
//!    each change of an order's status, shipment or tracking to the
//!    connections of the order's customer and of administrators. A
//!    connection that is gone (410) is deleted; any other failure to post
//!    to one connection is logged and the others still get the message.
//!
//! A repeated stream record (Lambda delivers at least once) is pushed
//! again: harmless, since the message carries the record's `eventId` and
//! the order's `updatedAt`, and clients keep the newest. Deduplicating on
//! the server would cost a conditional write per change and still leave a
//! window where a crash after posting repeats it.

use std::collections::HashMap;

use aws_lambda_events::event::apigw::{
    ApiGatewayCustomAuthorizerPolicy, ApiGatewayCustomAuthorizerRequestTypeRequest,
    ApiGatewayCustomAuthorizerResponse, ApiGatewayProxyResponse,
};
use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::iam::{IamPolicyEffect, IamPolicyStatement};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::domain::order::{Order, OrderStatus, Shipment, TrackingEvent};
use crate::store::realtime::{customer_audience, Scope, ADMIN_AUDIENCE};
use crate::App;

/// How long a ticket may wait before it opens a connection.
pub const TICKET_SECONDS: i64 = 60;

/// How long a connection's record outlives its connection at most: API
/// Gateway closes a WebSocket after two hours.
const CONNECTION_SECONDS: i64 = 2 * 3600 + 600;

/// A ticket just issued.
pub struct IssuedTicket {
    pub ticket: String,
    pub expires_at: String,
}

fn hash(ticket: &str) -> String {
    hex::encode(Sha256::digest(ticket.as_bytes()))
}

/// Issues a ticket for `sub` with `scope`.
pub async fn issue_ticket(app: &App, sub: &str, scope: Scope) -> anyhow::Result<IssuedTicket> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let ticket = URL_SAFE_NO_PAD.encode(bytes);
    let now = chrono::Utc::now();
    let expires = now.timestamp() + TICKET_SECONDS;
    app.store()
        .put_ticket(&hash(&ticket), sub, scope, expires)
        .await?;
    let expires_at = chrono::DateTime::from_timestamp(expires, 0)
        .unwrap_or(now)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Ok(IssuedTicket { ticket, expires_at })
}

/// The authorizer's refusal: API Gateway answers the handshake with 401
/// when an authorizer fails with exactly this message.
#[derive(Debug, thiserror::Error)]
#[error("Unauthorized")]
pub struct Unauthorized;

/// What the authorizer passes to `$connect` (API Gateway flattens it into
/// `requestContext.authorizer`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct AuthorizerContext {
    pub sub: String,
    pub scope: Scope,
}

/// The `$connect` REQUEST authorizer: allows the connection when its
/// `ticket` query parameter is a ticket that exists and has not expired,
/// and uses it up.
pub async fn authorize(
    app: &App,
    request: ApiGatewayCustomAuthorizerRequestTypeRequest,
) -> Result<ApiGatewayCustomAuthorizerResponse<AuthorizerContext>, Unauthorized> {
    let Some(ticket) = request
        .query_string_parameters
        .first("ticket")
        .filter(|t| t.len() == 43)
    else {
        tracing::info!("connection refused: no ticket");
        return Err(Unauthorized);
    };
    let now = chrono::Utc::now().timestamp();
    let taken = app
        .store()
        .take_ticket(&hash(ticket), now)
        .await
        .map_err(|e| {
            // Failing closed: without the table nobody can be let in.
            tracing::error!(error = %format!("{e:#}"), "reading a ticket failed");
            Unauthorized
        })?;
    let Some(taken) = taken else {
        tracing::info!("connection refused: unknown, used or expired ticket");
        return Err(Unauthorized);
    };
    let mut statement = IamPolicyStatement::default();
    statement.action = vec!["execute-api:Invoke".into()];
    statement.effect = IamPolicyEffect::Allow;
    statement.resource = vec![request.method_arn.unwrap_or_else(|| "*".into())];
    let mut policy = ApiGatewayCustomAuthorizerPolicy::default();
    policy.version = Some("2012-10-17".into());
    policy.statement = vec![statement];
    let mut response = ApiGatewayCustomAuthorizerResponse::default();
    response.principal_id = Some(taken.sub.clone());
    response.policy_document = policy;
    response.context = AuthorizerContext {
        sub: taken.sub,
        scope: taken.scope,
    };
    Ok(response)
}

fn status(code: i64) -> ApiGatewayProxyResponse {
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = code;
    response
}

/// The parts of a `$connect` / `$disconnect` event the handlers read. API
/// Gateway flattens the authorizer's context into
/// `requestContext.authorizer`, which `aws_lambda_events`' typed request
/// does not keep, so the handlers read the event as JSON.
fn connection_id(event: &serde_json::Value) -> Option<&str> {
    event["requestContext"]["connectionId"].as_str()
}

/// `$connect`: records the connection the authorizer let in.
pub async fn connect(app: &App, event: serde_json::Value) -> ApiGatewayProxyResponse {
    let Some(connection_id) = connection_id(&event) else {
        return status(400);
    };
    let Ok(context) =
        serde_json::from_value::<AuthorizerContext>(event["requestContext"]["authorizer"].clone())
    else {
        tracing::warn!(%connection_id, "a connection arrived without the authorizer's context");
        return status(403);
    };
    let now = chrono::Utc::now();
    let connected_at = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let result = app
        .store()
        .put_connection(
            connection_id,
            &context.sub,
            context.scope,
            &connected_at,
            now.timestamp() + CONNECTION_SECONDS,
        )
        .await;
    match result {
        Ok(()) => {
            tracing::info!(%connection_id, scope = context.scope.as_str(), "connected");
            status(200)
        }
        Err(e) => {
            tracing::error!(%connection_id, error = %format!("{e:#}"), "recording a connection failed");
            status(500)
        }
    }
}

/// `$disconnect`: forgets the connection.
pub async fn disconnect(app: &App, event: serde_json::Value) -> ApiGatewayProxyResponse {
    let Some(connection_id) = connection_id(&event) else {
        return status(400);
    };
    match app.store().delete_connection(connection_id).await {
        Ok(()) => {
            tracing::info!(%connection_id, "disconnected");
            status(200)
        }
        Err(e) => {
            // The record expires on its own; nothing else to do.
            tracing::warn!(%connection_id, error = %format!("{e:#}"), "forgetting a connection failed");
            status(200)
        }
    }
}

/// What changed about an order, as pushed to browsers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderChangedMessage {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub event_id: String,
    pub order_id: String,
    pub order_number: String,
    pub status: OrderStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_status: Option<OrderStatus>,
    pub changes: Vec<&'static str>,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipment: Option<Shipment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_tracking: Option<TrackingEvent>,
}

/// The message for a change from `old` to `new`, if it changed anything a
/// browser shows live: the order placed, its status, its shipment or its
/// tracking.
pub fn order_change(
    event_id: &str,
    old: Option<&Order>,
    new: &Order,
) -> Option<OrderChangedMessage> {
    let mut changes = Vec::new();
    match old {
        None => changes.push("placed"),
        Some(old) => {
            if old.status != new.status {
                changes.push("status");
            }
            if old.shipment != new.shipment {
                changes.push("shipment");
            }
            if old.tracking_events != new.tracking_events {
                changes.push("tracking");
            }
        }
    }
    if changes.is_empty() {
        return None;
    }
    Some(OrderChangedMessage {
        kind: "order.changed",
        event_id: event_id.to_string(),
        order_id: new.order_id.clone(),
        order_number: new.order_number.clone(),
        status: new.status,
        previous_status: old.map(|o| o.status).filter(|s| *s != new.status),
        changes,
        updated_at: new.updated_at.clone(),
        shipment: new.shipment.clone(),
        latest_tracking: new.tracking_events.last().cloned(),
    })
}

/// Where the notifier posts: API Gateway's `@connections` API (the local
/// gateway serves the same API).
#[derive(Clone, Debug)]
pub struct Connections {
    pub client: aws_sdk_apigatewaymanagement::Client,
}

/// What posting to one connection came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// The connection is closed (410 GoneException).
    Gone,
    Failed(String),
}

impl Connections {
    /// A client of the management API at `endpoint`
    /// (`https://{api-id}.execute-api.{region}.amazonaws.com/{stage}`).
    pub fn new(sdk: &aws_config::SdkConfig, endpoint: &str) -> Self {
        let config = aws_sdk_apigatewaymanagement::config::Builder::from(sdk)
            .endpoint_url(endpoint)
            .build();
        Self {
            client: aws_sdk_apigatewaymanagement::Client::from_conf(config),
        }
    }

    pub async fn post(&self, connection_id: &str, data: &[u8]) -> Delivery {
        let result = self
            .client
            .post_to_connection()
            .connection_id(connection_id)
            .data(aws_sdk_apigatewaymanagement::primitives::Blob::new(data))
            .send()
            .await;
        match result {
            Ok(_) => Delivery::Sent,
            Err(e) if e.as_service_error().is_some_and(|e| e.is_gone_exception()) => Delivery::Gone,
            Err(e) => Delivery::Failed(format!(
                "{}",
                aws_sdk_apigatewaymanagement::error::DisplayErrorContext(&e)
            )),
        }
    }
}

/// Handles one batch of Orders stream records, in order. A record fails
/// (and Lambda retries the batch from it) only when the connections could
/// not be looked up; a connection that cannot be posted to never fails it.
/// Each audience's connections are looked up once per batch.
pub async fn notify(app: &App, connections: &Connections, event: Event) -> DynamoDbEventResponse {
    let mut response = DynamoDbEventResponse::default();
    let mut audiences = HashMap::new();
    for record in event.records {
        if let Err(e) = push(app, connections, &record, &mut audiences).await {
            tracing::error!(
                event_id = %record.event_id,
                error = %format!("{e:#}"),
                "an order change could not be pushed"
            );
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = record.change.sequence_number.clone();
            response.batch_item_failures.push(failure);
            break;
        }
    }
    response
}

/// The connections of each audience, as looked up during one batch.
type Audiences = HashMap<String, Vec<String>>;

/// The connections of `audience`, from the batch's lookups or the table.
async fn connections_of(
    app: &App,
    audiences: &mut Audiences,
    audience: &str,
) -> anyhow::Result<Vec<String>> {
    if let Some(ids) = audiences.get(audience) {
        return Ok(ids.clone());
    }
    let ids = app
        .store()
        .connections_of(audience, chrono::Utc::now().timestamp())
        .await?;
    audiences.insert(audience.to_string(), ids.clone());
    Ok(ids)
}

async fn push(
    app: &App,
    connections: &Connections,
    record: &EventRecord,
    audiences: &mut Audiences,
) -> anyhow::Result<()> {
    let Some((old, new)) = crate::analytics::order_images(record)? else {
        return Ok(());
    };
    let Some(message) = order_change(&record.event_id, old.as_ref(), &new) else {
        return Ok(());
    };
    let data = serde_json::to_vec(&message)?;
    let mut targets = connections_of(app, audiences, &customer_audience(&new.customer_sub)).await?;
    targets.extend(connections_of(app, audiences, ADMIN_AUDIENCE).await?);
    // Posted together: one slow connection does not hold up the others.
    let deliveries =
        futures::future::join_all(targets.iter().map(|id| connections.post(id, &data))).await;
    let mut sent = 0;
    for (id, delivery) in targets.iter().zip(deliveries) {
        match delivery {
            Delivery::Sent => sent += 1,
            Delivery::Gone => {
                tracing::info!(connection_id = %id, "connection gone; forgetting it");
                for ids in audiences.values_mut() {
                    ids.retain(|i| i != id);
                }
                if let Err(e) = app.store().delete_connection(id).await {
                    tracing::warn!(connection_id = %id, error = %format!("{e:#}"), "forgetting a gone connection failed");
                }
            }
            Delivery::Failed(e) => {
                tracing::warn!(connection_id = %id, error = %e, "posting to a connection failed");
            }
        }
    }
    tracing::info!(
        order_id = %new.order_id,
        status = ?new.status,
        changes = ?message.changes,
        connections = targets.len(),
        sent,
        "order change pushed"
    );
    Ok(())
}

/// The authorizer function's whole life.
pub async fn run_authorizer() -> Result<(), lambda_runtime::Error> {
    crate::telemetry::init();
    let app = App::from_env().await?;
    let app = &app;
    lambda_runtime::run(lambda_runtime::service_fn(
        move |event: lambda_runtime::LambdaEvent<ApiGatewayCustomAuthorizerRequestTypeRequest>| async move {
            authorize(app, event.payload)
                .await
                .map_err(|e| -> lambda_runtime::Error { Box::new(e) })
        },
    ))
    .await
}

/// The `$connect` or `$disconnect` function's whole life.
pub async fn run_connection_handler(connecting: bool) -> Result<(), lambda_runtime::Error> {
    crate::telemetry::init();
    let app = App::from_env().await?;
    let app = &app;
    lambda_runtime::run(lambda_runtime::service_fn(
        move |event: lambda_runtime::LambdaEvent<serde_json::Value>| async move {
            Ok::<_, lambda_runtime::Error>(if connecting {
                connect(app, event.payload).await
            } else {
                disconnect(app, event.payload).await
            })
        },
    ))
    .await
}

/// The notifier function's whole life.
pub async fn run_notifier() -> Result<(), lambda_runtime::Error> {
    crate::telemetry::init();
    let sdk = crate::app::sdk_config()?;
    let app = App::new(crate::Config::from_env(), &sdk)?;
    let endpoint = app
        .config
        .realtime_management_url
        .clone()
        .ok_or("REALTIME_MANAGEMENT_URL is not set")?;
    let connections = Connections::new(&sdk, &endpoint);
    let (app, connections) = (&app, &connections);
    lambda_runtime::run(lambda_runtime::service_fn(
        move |event: lambda_runtime::LambdaEvent<Event>| async move {
            Ok::<_, lambda_runtime::Error>(notify(app, connections, event.payload).await)
        },
    ))
    .await
}
