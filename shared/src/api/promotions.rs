//! Promotion endpoints for administrators: create, list, read, change and
//! deactivate codes. (Customers apply codes to their carts in
//! [`super::carts`].)

use http::StatusCode;
use lambda_http::Request;

use super::{
    json, json_body, page_limit, path_param, query_params, require_admin, ApiError, HttpResponse,
};
use crate::domain::now_rfc3339;
use crate::domain::promotion::{parse_code, Promotion, PromotionInput};
use crate::store::promotions::PromotionWriteError;
use crate::App;

fn write_error(e: PromotionWriteError) -> ApiError {
    match e {
        PromotionWriteError::AlreadyExists => {
            ApiError::conflict("promotion_exists", "a promotion with this code exists")
        }
        PromotionWriteError::NotFound => ApiError::NotFound("promotion"),
        PromotionWriteError::Unexpected(e) => e.into(),
    }
}

fn code_param(request: &Request) -> Result<String, ApiError> {
    parse_code(&path_param(request, "code")?).map_err(|_| ApiError::NotFound("promotion"))
}

async fn load(app: &App, code: &str) -> Result<Promotion, ApiError> {
    app.store()
        .get_promotion(code)
        .await?
        .ok_or(ApiError::NotFound("promotion"))
}

/// `POST /admin/promotions`: a new code.
pub async fn create(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let input: PromotionInput = json_body(&request)?;
    let code = input
        .code
        .clone()
        .ok_or_else(|| ApiError::bad_request("invalid_field", "code: is required"))?;
    let promotion = input.into_promotion(&code, &super::shop_currency(app)?, &now_rfc3339())?;
    app.store()
        .create_promotion(&promotion)
        .await
        .map_err(write_error)?;
    tracing::info!(code = %promotion.code, "promotion created");
    Ok(json(StatusCode::CREATED, &promotion))
}

/// `GET /admin/promotions`: every promotion by code, paged.
pub async fn list(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let params = query_params(&request);
    let page = app
        .store()
        .list_promotions(
            page_limit(&params)?,
            params.get("cursor").map(String::as_str),
        )
        .await?;
    Ok(json(StatusCode::OK, &page))
}

/// `GET /admin/promotions/{code}`: one promotion with its use count.
pub async fn get(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let promotion = load(app, &code_param(&request)?).await?;
    Ok(json(StatusCode::OK, &promotion))
}

/// `PUT /admin/promotions/{code}`: replaces the promotion's terms; its use
/// count stays. Orders already placed keep the discount they got.
pub async fn update(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let code = code_param(&request)?;
    let input: PromotionInput = json_body(&request)?;
    if input
        .code
        .as_deref()
        .is_some_and(|c| parse_code(c).ok().as_deref() != Some(code.as_str()))
    {
        // 422: each code is well formed; they only disagree with each other.
        return Err(ApiError::Unprocessable {
            code: "code_mismatch",
            message: "code: a promotion's code cannot change".into(),
        });
    }
    let promotion = input.into_promotion(&code, &super::shop_currency(app)?, &now_rfc3339())?;
    let updated = app
        .store()
        .update_promotion(&promotion)
        .await
        .map_err(write_error)?;
    Ok(json(StatusCode::OK, &updated))
}

/// `DELETE /admin/promotions/{code}`: deactivates the code (it stays for
/// the orders that carry it and for its history).
pub async fn deactivate(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let mut promotion = load(app, &code_param(&request)?).await?;
    promotion.active = false;
    promotion.updated_at = now_rfc3339();
    let updated = app
        .store()
        .update_promotion(&promotion)
        .await
        .map_err(write_error)?;
    Ok(json(StatusCode::OK, &updated))
}
