//! Shop configuration for administrators: shipping options and tax rates.
//! (Customers see the options that serve their cart in [`super::carts`].)

use http::StatusCode;
use lambda_http::Request;

use super::{json, json_body, path_param, require_admin, ApiError, HttpResponse};
use crate::domain::now_rfc3339;
use crate::domain::shipping::{ShippingOption, ShippingOptionInput};
use crate::domain::tax::TaxRateInput;
use crate::domain::ValidationError;
use crate::store::shop::ShopWriteError;
use crate::App;

/// A rule between well-formed values of an option (a region of a country
/// it does not serve, overlapping weight bands) is 422
/// `invalid_shipping_option`; anything else the schema says is 400.
fn option_error(e: ValidationError) -> ApiError {
    if e.range {
        ApiError::Unprocessable {
            code: "invalid_shipping_option",
            message: e.to_string(),
        }
    } else {
        e.into()
    }
}

fn option_id(request: &Request) -> Result<String, ApiError> {
    let id = path_param(request, "optionId")?;
    uuid::Uuid::parse_str(&id)
        .map(|u| u.to_string())
        .map_err(|_| ApiError::NotFound("shipping option"))
}

async fn load_option(app: &App, option_id: &str) -> Result<ShippingOption, ApiError> {
    app.store()
        .get_shipping_option(option_id)
        .await?
        .ok_or(ApiError::NotFound("shipping option"))
}

/// `POST /admin/shipping-options`: a new option.
pub async fn create_option(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let input: ShippingOptionInput = json_body(&request)?;
    let details = input
        .details(&super::shop_currency(app)?)
        .map_err(option_error)?;
    let now = now_rfc3339();
    let option = details.into_option(uuid::Uuid::new_v4().to_string(), now.clone(), now);
    match app.store().put_shipping_option(&option, true).await {
        Ok(()) => {}
        Err(ShopWriteError::Unexpected(e)) => return Err(e.into()),
        Err(e) => return Err(anyhow::anyhow!("creating a shipping option: {e}").into()),
    }
    tracing::info!(option_id = %option.option_id, "shipping option created");
    Ok(json(StatusCode::CREATED, &option))
}

/// `GET /admin/shipping-options`: every option, active ones first, by name.
pub async fn list_options(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let mut items = app.store().list_shipping_options().await?;
    items.sort_by(|a, b| {
        b.active
            .cmp(&a.active)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.option_id.cmp(&b.option_id))
    });
    Ok(json(StatusCode::OK, &serde_json::json!({ "items": items })))
}

/// `GET /admin/shipping-options/{optionId}`.
pub async fn get_option(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let option = load_option(app, &option_id(&request)?).await?;
    Ok(json(StatusCode::OK, &option))
}

/// `PUT /admin/shipping-options/{optionId}`: new terms. Carts are shown the
/// new price at once; a cart checked out at the old one gets 409
/// `shipping_price_changed`. Orders already placed keep what they paid.
pub async fn update_option(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let id = option_id(&request)?;
    let input: ShippingOptionInput = json_body(&request)?;
    let details = input
        .details(&super::shop_currency(app)?)
        .map_err(option_error)?;
    let existing = load_option(app, &id).await?;
    let option = details.into_option(id, existing.created_at, now_rfc3339());
    match app.store().put_shipping_option(&option, false).await {
        Ok(()) => Ok(json(StatusCode::OK, &option)),
        Err(ShopWriteError::NotFound) => Err(ApiError::NotFound("shipping option")),
        Err(ShopWriteError::Unexpected(e)) => Err(e.into()),
        Err(e) => Err(anyhow::anyhow!("updating a shipping option: {e}").into()),
    }
}

/// `DELETE /admin/shipping-options/{optionId}`: deactivates the option; it
/// stays on the orders that chose it.
pub async fn deactivate_option(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let mut option = load_option(app, &option_id(&request)?).await?;
    option.active = false;
    option.updated_at = now_rfc3339();
    match app.store().put_shipping_option(&option, false).await {
        Ok(()) => Ok(json(StatusCode::OK, &option)),
        Err(ShopWriteError::NotFound) => Err(ApiError::NotFound("shipping option")),
        Err(ShopWriteError::Unexpected(e)) => Err(e.into()),
        Err(e) => Err(anyhow::anyhow!("deactivating a shipping option: {e}").into()),
    }
}

/// `GET /admin/tax-rates`: every rate by destination.
pub async fn list_rates(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let items = app.store().list_tax_rates().await?;
    Ok(json(StatusCode::OK, &serde_json::json!({ "items": items })))
}

/// `PUT /admin/tax-rates/{rateId}`: sets the rate of a country (`US`) or a
/// region (`US-IL`); 201 when it is new. Carts are taxed at it at once;
/// orders keep the tax they were charged.
pub async fn put_rate(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let rate_id = path_param(&request, "rateId")?;
    let input: TaxRateInput = json_body(&request)?;
    let rate = input
        .into_rate(&rate_id, &now_rfc3339())
        .map_err(|e| match e {
            e if e.range => ApiError::Unprocessable {
                code: "unknown_country",
                message: e.to_string(),
            },
            e if e.field == "rateId" => ApiError::NotFound("tax rate"),
            e => e.into(),
        })?;
    let existed = app.store().put_tax_rate(&rate).await?;
    let status = if existed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok(json(status, &rate))
}

/// `DELETE /admin/tax-rates/{rateId}`: the destination is no longer taxed
/// (or falls back to its country's rate).
pub async fn delete_rate(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let rate_id = path_param(&request, "rateId")?;
    if app.store().delete_tax_rate(&rate_id).await? {
        Ok(json(
            StatusCode::OK,
            &serde_json::json!({ "rateId": rate_id }),
        ))
    } else {
        Err(ApiError::NotFound("tax rate"))
    }
}
