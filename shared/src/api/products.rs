//! Catalog and inventory endpoints.

use http::StatusCode;
use lambda_http::Request;
use serde::Serialize;

use super::{
    json, json_body, page_limit, path_param, query_params, require_admin, ApiError, HttpResponse,
};
use crate::domain::money::Money;
use crate::domain::now_rfc3339;
use crate::domain::product::{Product, ProductInput, Sku, StockAdjustment, StockAdjustmentInput};
use crate::store::products::{AdjustStockError, CreateProductError, UpdateProductError};
use crate::store::Page;
use crate::App;

/// A product as the storefront sees it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductView {
    pub sku: Sku,
    pub name: String,
    pub description: String,
    pub price: Money,
    pub available: i64,
    pub allow_backorder: bool,
    pub weight_grams: i64,
}

impl From<Product> for ProductView {
    fn from(p: Product) -> Self {
        Self {
            available: p.available.max(0),
            sku: p.sku,
            name: p.name,
            description: p.description,
            price: p.price,
            allow_backorder: p.allow_backorder,
            weight_grams: p.weight_grams,
        }
    }
}

/// A product's stock as administrators see it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InventoryView {
    pub sku: Sku,
    pub name: String,
    pub active: bool,
    pub on_hand: i64,
    pub reserved: i64,
    pub available: i64,
    pub low_stock_threshold: i64,
    pub low_stock: bool,
}

impl From<Product> for InventoryView {
    fn from(p: Product) -> Self {
        Self {
            low_stock: p.is_low_stock(),
            sku: p.sku,
            name: p.name,
            active: p.active,
            on_hand: p.on_hand,
            reserved: p.reserved,
            available: p.available,
            low_stock_threshold: p.low_stock_threshold,
        }
    }
}

fn sku_param(request: &Request) -> Result<Sku, ApiError> {
    Ok(Sku::parse(&path_param(request, "sku")?)?)
}

fn map_page<T, U: From<T>>(page: Page<T>) -> Page<U> {
    Page {
        items: page.items.into_iter().map(U::from).collect(),
        next_cursor: page.next_cursor,
    }
}

/// `GET /products`: active products, a page at a time.
pub async fn list(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let params = query_params(&request);
    let limit = page_limit(&params)?;
    let page = app
        .store()
        .list_active_products(limit, params.get("cursor").map(String::as_str))
        .await?;
    Ok(json(StatusCode::OK, &map_page::<_, ProductView>(page)))
}

/// `GET /products/{sku}`: one active product.
pub async fn get(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let sku = sku_param(&request).map_err(|_| ApiError::NotFound("product"))?;
    match app.store().get_product(&sku).await? {
        Some(p) if p.active => Ok(json(StatusCode::OK, &ProductView::from(p))),
        _ => Err(ApiError::NotFound("product")),
    }
}

/// `GET /admin/products/{sku}`: any product, archived ones included, with
/// its admin fields (what the dashboard's edit form starts from).
pub async fn admin_get(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let sku = sku_param(&request).map_err(|_| ApiError::NotFound("product"))?;
    match app.store().get_product(&sku).await? {
        Some(p) => Ok(json(StatusCode::OK, &AdminProductView::from(p))),
        None => Err(ApiError::NotFound("product")),
    }
}

/// `POST /admin/products`: adds a product (with no stock yet).
pub async fn create(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let input: ProductInput = json_body(&request)?;
    let sku = Sku::parse(input.sku.as_deref().unwrap_or_default())?;
    let details = input.details(&super::shop_currency(app)?)?;
    match app
        .store()
        .create_product(sku, details, &now_rfc3339())
        .await
    {
        Ok(p) => {
            crate::inventory::mark_new_product(app, p.sku.clone()).await;
            Ok(json(StatusCode::CREATED, &AdminProductView::from(p)))
        }
        Err(CreateProductError::AlreadyExists(sku)) => Err(ApiError::conflict(
            "sku_exists",
            format!("a product with SKU {sku} already exists"),
        )),
        Err(CreateProductError::Unexpected(e)) => Err(e.into()),
    }
}

/// A product with every field, for administrators.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminProductView {
    #[serde(flatten)]
    pub product: Product,
}

impl From<Product> for AdminProductView {
    fn from(product: Product) -> Self {
        Self { product }
    }
}

fn update_error(e: UpdateProductError) -> ApiError {
    match e {
        UpdateProductError::NotFound(_) => ApiError::NotFound("product"),
        UpdateProductError::Unexpected(e) => e.into(),
    }
}

/// `PUT /admin/products/{sku}`: replaces the catalog fields.
pub async fn update(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let sku = sku_param(&request)?;
    let input: ProductInput = json_body(&request)?;
    if input.sku.as_deref().is_some_and(|s| s != sku.as_str()) {
        // 422: each SKU is well formed; they only disagree with each other.
        return Err(ApiError::Unprocessable {
            code: "sku_mismatch",
            message: "the body's sku differs from the path's".into(),
        });
    }
    let details = input.details(&super::shop_currency(app)?)?;
    let product = app
        .store()
        .update_product(&sku, details, &now_rfc3339())
        .await
        .map_err(update_error)?;
    crate::inventory::refresh_low_stock(app, vec![sku.clone()]).await;
    Ok(json(StatusCode::OK, &AdminProductView::from(product)))
}

/// `DELETE /admin/products/{sku}`: archives (the product stays on past orders).
pub async fn archive(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let sku = sku_param(&request)?;
    let product = app
        .store()
        .archive_product(&sku, &now_rfc3339())
        .await
        .map_err(update_error)?;
    crate::inventory::refresh_low_stock(app, vec![sku.clone()]).await;
    Ok(json(StatusCode::OK, &AdminProductView::from(product)))
}

/// `POST /admin/products/{sku}/stock`: receives or writes off stock.
pub async fn adjust_stock(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let admin = require_admin(&request)?;
    let sku = sku_param(&request)?;
    let input: StockAdjustmentInput = json_body(&request)?;
    let adjustment = StockAdjustment::try_from(input)?;
    match app
        .store()
        .adjust_stock(&sku, &adjustment, &admin.sub, &now_rfc3339())
        .await
    {
        Ok(p) => {
            crate::inventory::refresh_low_stock(app, vec![sku.clone()]).await;
            let mut body = serde_json::to_value(InventoryView::from(p))
                .map_err(|e| ApiError::Unexpected(e.into()))?;
            if adjustment.delta > 0 {
                // Received stock resumes the backorders waiting for it. The
                // receipt is recorded either way; a failure here is logged and
                // the next receipt of the SKU resumes them.
                match crate::workers::backorders::resume_backorders(app, &sku).await {
                    Ok(resumed) => body["resumedOrders"] = serde_json::json!(resumed),
                    Err(e) => tracing::error!(error = ?e, %sku, "resuming backorders"),
                }
            }
            Ok(json(StatusCode::OK, &body))
        }
        Err(AdjustStockError::NotFound(_)) => Err(ApiError::NotFound("product")),
        Err(e @ AdjustStockError::BelowReserved { .. }) => {
            Err(ApiError::conflict("stock_below_reserved", e.to_string()))
        }
        Err(AdjustStockError::Unexpected(e)) => Err(e.into()),
    }
}

/// `GET /admin/inventory[?lowStock=true]`: stock per SKU.
pub async fn inventory(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let params = query_params(&request);
    let limit = page_limit(&params)?;
    let low_only = match params.get("lowStock").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_filter",
                "lowStock must be true or false",
            ))
        }
    };
    let page = app
        .store()
        .list_inventory(limit, params.get("cursor").map(String::as_str), low_only)
        .await?;
    Ok(json(StatusCode::OK, &map_page::<_, InventoryView>(page)))
}

/// `GET /admin/inventory/{sku}/ledger`: the SKU's stock movements, newest
/// first. An unknown SKU (or one that cannot be a SKU) is 404; a known SKU
/// that never moved has an empty ledger.
pub async fn stock_ledger(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let params = query_params(&request);
    let limit = page_limit(&params)?;
    let sku = sku_param(&request).map_err(|_| ApiError::NotFound("product"))?;
    let store = app.store();
    if store.get_product(&sku).await?.is_none() {
        return Err(ApiError::NotFound("product"));
    }
    let page = store
        .list_ledger(&sku, limit, params.get("cursor").map(String::as_str))
        .await?;
    Ok(json(StatusCode::OK, &page))
}
