//! `POST /realtime/tickets`: a short-lived, single-use ticket for the
//! WebSocket API (see [`crate::realtime`]).

use http::StatusCode;
use lambda_http::Request;
use serde::{Deserialize, Serialize};

use crate::domain::json_input::not_null;

use super::{json, optional_json_body, require_customer, ApiError, HttpResponse};
use crate::store::realtime::Scope;
use crate::App;

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TicketInput {
    /// Absent means `customer`; `null` is not a scope.
    #[serde(default, deserialize_with = "not_null")]
    scope: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TicketView {
    ticket: String,
    url: String,
    expires_at: String,
    scope: Scope,
}

/// `POST /realtime/tickets`.
pub async fn create_ticket(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let caller = require_customer(&request)?;
    let input: TicketInput = optional_json_body(&request)?;
    let scope = match input.scope.as_deref() {
        None => Scope::Customer,
        Some(s) => Scope::parse(s).ok_or_else(|| {
            ApiError::bad_request("invalid_field", "scope: must be customer or admin")
        })?,
    };
    if scope == Scope::Admin && !caller.is_admin() {
        return Err(ApiError::Forbidden);
    }
    let url = app
        .config
        .realtime_url
        .clone()
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("REALTIME_URL is not set")))?;
    let ticket = crate::realtime::issue_ticket(app, &caller.sub, scope).await?;
    Ok(json(
        StatusCode::CREATED,
        &TicketView {
            ticket: ticket.ticket,
            url,
            expires_at: ticket.expires_at,
            scope,
        },
    ))
}
