//! Report endpoints for administrators: the scheduled low-stock report and
//! the sales analytics, read from the aggregates the `sales-analytics`
//! stream consumer keeps (see [`crate::domain::analytics`]).
//!
//! The sales, products and customers reports answer JSON, or CSV when the
//! `Accept` header prefers `text/csv`.

use std::collections::HashMap;

use http::StatusCode;
use lambda_http::{Body, Request};

use super::{json, query_params, require_admin, shop_currency, ApiError, HttpResponse};
use crate::domain::analytics::{
    customers_report, products_report, sales_report, DateRange, Granularity,
};
use crate::inventory::{LowStockReport, LOW_STOCK_REPORT};
use crate::App;

/// How many SKUs each list of the products report has by default, and at most.
const DEFAULT_PRODUCTS: usize = 10;
const MAX_PRODUCTS: usize = 100;

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

/// `POST /admin/reports/low-stock`: runs the scheduled low-stock report
/// now, exactly as the schedule does (kept and e-mailed), and answers it in
/// the shape of `GET /admin/reports/low-stock`. Each call is a new run.
pub async fn run_low_stock(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let report = crate::inventory::low_stock_report(app).await?;
    Ok(json(StatusCode::OK, &report))
}

/// What the client asked the answer to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

/// The format the `Accept` header prefers: the highest `q` among JSON and
/// CSV (JSON on a tie, and when there is no header).
fn format(request: &Request) -> Result<Format, ApiError> {
    let Some(accept) = request
        .headers()
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty())
    else {
        return Ok(Format::Json);
    };
    let mut best: Option<(f32, Format)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or("").to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.strip_prefix("q="))
            .filter_map(|q| q.parse::<f32>().ok())
            .next()
            .unwrap_or(1.0);
        let candidates: &[Format] = match media.as_str() {
            "application/json" | "application/*" => &[Format::Json],
            "text/csv" | "text/*" => &[Format::Csv],
            "*/*" => &[Format::Json],
            _ => &[],
        };
        for &f in candidates {
            if q > 0.0
                && best.is_none_or(|(bq, bf)| {
                    q > bq || (q == bq && bf == Format::Csv && f == Format::Json)
                })
            {
                best = Some((q, f));
            }
        }
    }
    best.map(|(_, f)| f)
        .ok_or(ApiError::NotAcceptable("application/json or text/csv"))
}

fn csv(name: &str, range: DateRange, body: String) -> Result<HttpResponse, ApiError> {
    http::Response::builder()
        .status(StatusCode::OK)
        .header(http::header::CONTENT_TYPE, "text/csv; charset=utf-8")
        .header(
            http::header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{name}-{}-{}.csv\"",
                range.from, range.to
            ),
        )
        .body(Body::Text(body))
        .map_err(|e| ApiError::Unexpected(e.into()))
}

fn range(params: &HashMap<String, String>) -> Result<DateRange, ApiError> {
    Ok(DateRange::parse(
        params.get("from").map(String::as_str),
        params.get("to").map(String::as_str),
        chrono::Utc::now().date_naive(),
    )?)
}

/// `GET /admin/reports/sales?from=&to=&granularity=day|week|month`.
pub async fn sales(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let format = format(&request)?;
    let params = query_params(&request);
    let range = range(&params)?;
    let granularity = Granularity::parse(
        params
            .get("granularity")
            .map(String::as_str)
            .unwrap_or("day"),
    )?;
    let currency = shop_currency(app)?;
    let store = app.store();
    let (days, customers) = tokio::try_join!(store.sales_days(range), store.customer_days(range))?;
    let first = store
        .first_order_days(customers.iter().map(|c| c.customer.as_str()))
        .await?;
    let report = sales_report(range, granularity, &currency, &days, &customers, &first);
    match format {
        Format::Json => Ok(json(StatusCode::OK, &report)),
        Format::Csv => csv("sales", range, report.to_csv()),
    }
}

/// `GET /admin/reports/products?from=&to=&limit=`: top sellers and most
/// returned SKUs.
pub async fn products(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let format = format(&request)?;
    let params = query_params(&request);
    let range = range(&params)?;
    let limit = match params.get("limit") {
        None => DEFAULT_PRODUCTS,
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_PRODUCTS).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_limit",
                    format!("limit must be an integer from 1 to {MAX_PRODUCTS}"),
                )
            })?,
    };
    let currency = shop_currency(app)?;
    let rows = app.store().product_days(range).await?;
    let report = products_report(range, &currency, &rows, limit);
    match format {
        Format::Json => Ok(json(StatusCode::OK, &report)),
        Format::Csv => csv("products", range, report.to_csv()),
    }
}

/// `GET /admin/reports/customers?from=&to=`: new, returning and repeat
/// customers, average order value.
pub async fn customers(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let format = format(&request)?;
    let params = query_params(&request);
    let range = range(&params)?;
    let currency = shop_currency(app)?;
    let store = app.store();
    let customers = store.customer_days(range).await?;
    let first = store
        .first_order_days(customers.iter().map(|c| c.customer.as_str()))
        .await?;
    let report = customers_report(range, &currency, &customers, &first);
    match format {
        Format::Json => Ok(json(StatusCode::OK, &report)),
        Format::Csv => csv("customers", range, report.to_csv()),
    }
}
