//! Report endpoints for administrators.

use http::StatusCode;
use lambda_http::Request;

use super::{json, require_admin, ApiError, HttpResponse};
use crate::inventory::{LowStockReport, LOW_STOCK_REPORT};
use crate::App;

/// `GET /admin/reports/low-stock`: the newest scheduled low-stock report.
pub async fn low_stock(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let report: LowStockReport = app
        .store()
        .latest_report(LOW_STOCK_REPORT)
        .await?
        .ok_or(ApiError::NotFound("low-stock report"))?;
    Ok(json(StatusCode::OK, &report))
}
