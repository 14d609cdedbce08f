//! `GET /admin/payments`: every capture, decline and refund across all
//! orders, newest first, from the payment events the `sales-analytics`
//! stream consumer records (see [`crate::domain::payment_events`]).

use http::StatusCode;
use lambda_http::Request;

use super::{json, page_limit, query_params, require_admin, ApiError, HttpResponse};
use crate::domain::analytics::DateRange;
use crate::domain::payment_events::PaymentEventKind;
use crate::App;

/// `GET /admin/payments?kind=&from=&to=&limit=&cursor=`.
pub async fn list(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let params = query_params(&request);
    let limit = page_limit(&params)?;
    let kind = match params.get("kind") {
        None => None,
        Some(k) => Some(PaymentEventKind::parse(k).ok_or_else(|| {
            ApiError::bad_request("invalid_filter", "kind must be capture, decline or refund")
        })?),
    };
    let range = DateRange::parse(
        params.get("from").map(String::as_str),
        params.get("to").map(String::as_str),
        chrono::Utc::now().date_naive(),
    )
    .map_err(|e| {
        if e.range {
            // Two well-formed dates that do not make a range: 422.
            ApiError::from(e)
        } else {
            ApiError::bad_request("invalid_date", e.to_string())
        }
    })?;
    let page = app
        .store()
        .list_payment_events(kind, range, limit, params.get("cursor").map(String::as_str))
        .await?;
    Ok(json(StatusCode::OK, &page))
}
