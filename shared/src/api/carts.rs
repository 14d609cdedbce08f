//! Cart endpoints. Anonymous carts are reached by their unguessable id; a
//! cart created or checked out by a signed-in caller belongs to their `sub`
//! and answers 404 to anyone else.

use http::StatusCode;
use lambda_http::Request;
use serde::Deserialize;

use crate::domain::json_input::whole_number;

use super::{
    json, json_body, optional_identity, path_param, require_customer, ApiError, HttpResponse,
};
use crate::auth::Identity;
use crate::domain::cart::{parse_quantity, Cart, CartChangeError, CartStatus, ChosenShipping};
use crate::domain::checkout::{address, AddressInput};
use crate::domain::now_rfc3339;
use crate::domain::product::Sku;
use crate::domain::promotion::parse_code;
use crate::pricing::{CartPricing, PricingError, ShippingState};
use crate::store::carts::SaveCartError;
use crate::App;

#[derive(Deserialize)]
struct AddItemInput {
    sku: String,
    #[serde(deserialize_with = "whole_number")]
    quantity: i64,
}

#[derive(Deserialize)]
struct SetQuantityInput {
    #[serde(deserialize_with = "whole_number")]
    quantity: i64,
}

/// Loads a cart the caller may see: unexpired, and theirs if it has an owner.
pub(crate) async fn load_cart(
    app: &App,
    cart_id: &str,
    caller: Option<&Identity>,
) -> Result<Cart, ApiError> {
    if uuid::Uuid::parse_str(cart_id).is_err() {
        return Err(ApiError::NotFound("cart"));
    }
    let cart = app
        .store()
        .get_cart(cart_id)
        .await?
        .ok_or(ApiError::NotFound("cart"))?;
    let now = chrono::Utc::now().timestamp();
    if cart.status == CartStatus::Open && cart.is_expired(now) {
        return Err(ApiError::NotFound("cart"));
    }
    match (&cart.owner_sub, caller) {
        (None, _) => Ok(cart),
        (Some(owner), Some(c)) if owner == &c.sub => Ok(cart),
        _ => Err(ApiError::NotFound("cart")),
    }
}

/// Prices a cart now for `customer` (or its owner).
pub(crate) async fn price(
    app: &App,
    cart: &Cart,
    customer: Option<&str>,
) -> Result<CartPricing, ApiError> {
    Box::pin(crate::pricing::price_cart(app, cart, customer))
        .await
        .map_err(|e| match e {
            PricingError::Overflow(e) => ApiError::Unprocessable {
                code: "total_too_large",
                message: e.to_string(),
            },
            PricingError::Unexpected(e) => e.into(),
        })
}

async fn priced(
    app: &App,
    cart: &Cart,
    caller: Option<&Identity>,
) -> Result<HttpResponse, ApiError> {
    let pricing = price(app, cart, caller.map(|c| c.sub.as_str())).await?;
    Ok(json(StatusCode::OK, &pricing.view))
}

/// `POST /carts`: a new empty cart, bound to the caller when signed in.
pub async fn create(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let caller = optional_identity(app, &request).await?;
    let now = now_rfc3339();
    let expires = chrono::Utc::now().timestamp() + app.config.cart_ttl_seconds;
    let cart = Cart::new(
        uuid::Uuid::new_v4().to_string(),
        caller.as_ref().map(|c| c.sub.clone()),
        &now,
        expires,
    );
    match &caller {
        // A signed-in customer's new cart is their current one.
        Some(c) => app.store().create_owned_cart(&cart, &c.sub).await?,
        None => app.store().create_cart(&cart).await?,
    }
    let mut response = priced(app, &cart, caller.as_ref()).await?;
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// `GET /carts/{cartId}`: the cart priced from the current catalog.
pub async fn get(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let caller = optional_identity(app, &request).await?;
    let cart = load_cart(app, &path_param(&request, "cartId")?, caller.as_ref()).await?;
    priced(app, &cart, caller.as_ref()).await
}

/// `GET /carts/current`: the caller's current cart, while it is open.
pub async fn current(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let caller = require_customer(&request)?;
    let cart = current_open_cart(app, &caller.sub)
        .await?
        .ok_or(ApiError::NotFound("open cart"))?;
    priced(app, &cart, Some(&caller)).await
}

/// What `sub`'s pointer names, if that cart is open and unexpired.
async fn current_open_cart(app: &App, sub: &str) -> Result<Option<Cart>, ApiError> {
    let Some(cart_id) = app.store().current_cart_id(sub).await? else {
        return Ok(None);
    };
    let now = chrono::Utc::now().timestamp();
    Ok(app
        .store()
        .get_cart(&cart_id)
        .await?
        .filter(|c| c.status == CartStatus::Open && !c.is_expired(now))
        .filter(|c| c.owner_sub.as_deref() == Some(sub)))
}

/// `POST /carts/{cartId}/claim`: binds an anonymous cart to the signed-in
/// caller, merging it into their open cart when they have one.
pub async fn claim(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let caller = require_customer(&request)?;
    let cart_id = path_param(&request, "cartId")?;
    for _ in 0..5 {
        // Reads as the caller: someone else's cart is not found.
        let cart = load_cart(app, &cart_id, Some(&caller)).await?;
        match (&cart.owner_sub, cart.status) {
            // Claimed before: the same answer again.
            (Some(_), CartStatus::Open) => return priced(app, &cart, Some(&caller)).await,
            (Some(_), CartStatus::Merged) => {
                let into = cart.merged_into.as_deref().unwrap_or_default();
                let merged = load_cart(app, into, Some(&caller)).await?;
                if merged.status != CartStatus::Open {
                    return Err(not_open(&merged));
                }
                return priced(app, &merged, Some(&caller)).await;
            }
            (_, CartStatus::CheckedOut | CartStatus::Merged) => return Err(not_open(&cart)),
            (None, CartStatus::Open) => {}
        }
        let seen = app.store().current_cart_id(&caller.sub).await?;
        let current = current_open_cart(app, &caller.sub)
            .await?
            .filter(|c| c.cart_id != cart.cart_id);
        let result = match current {
            Some(mut into) => {
                // Written over the version read (absorbing keeps it).
                into.absorb(&cart);
                into.updated_at = now_rfc3339();
                into.expires_at = chrono::Utc::now().timestamp() + app.config.cart_ttl_seconds;
                let pricing = price(app, &into, Some(&caller.sub)).await?;
                show_shipping_price(&mut into, &pricing);
                app.store().merge_carts(&cart, &into, &caller.sub).await
            }
            None => {
                app.store()
                    .claim_cart(&cart, &caller.sub, seen.as_deref())
                    .await
            }
        };
        match result {
            Ok(claimed) => return priced(app, &claimed, Some(&caller)).await,
            Err(SaveCartError::Conflict) => continue,
            Err(SaveCartError::Unexpected(e)) => return Err(e.into()),
        }
    }
    Err(ApiError::conflict(
        "cart_busy",
        "the cart is being changed by another request; retry",
    ))
}

/// Why a cart that is not open cannot change.
fn not_open(cart: &Cart) -> ApiError {
    match cart.status {
        CartStatus::Merged => ApiError::conflict(
            "cart_checked_out",
            "the cart was merged into its owner's other cart",
        ),
        _ => ApiError::conflict("cart_checked_out", "the cart has already been checked out"),
    }
}

/// Records on the cart the shipping price the customer is shown now: that
/// is the price checkout will charge (or refuse to, if it changes before
/// then). A choice that no longer serves the cart is dropped.
fn show_shipping_price(cart: &mut Cart, pricing: &CartPricing) {
    match &pricing.shipping {
        ShippingState::Chosen(quote) => {
            cart.shipping_option = Some(ChosenShipping {
                option_id: quote.option_id.clone(),
                price: quote.price.clone(),
            })
        }
        ShippingState::ChoiceUnavailable(_) | ShippingState::NotCharged => {
            cart.shipping_option = None
        }
        ShippingState::NotChosen { .. } => {}
    }
}

/// Applies a change to an open cart of `caller` (verified by the handler
/// before it reads the body), retrying when a concurrent change won.
async fn change_cart<F>(
    app: &App,
    request: &Request,
    caller: Option<Identity>,
    change: F,
) -> Result<HttpResponse, ApiError>
where
    F: Fn(&mut Cart) -> Result<(), ApiError>,
{
    let cart_id = path_param(request, "cartId")?;
    for _ in 0..5 {
        let mut cart = load_cart(app, &cart_id, caller.as_ref()).await?;
        if cart.status != CartStatus::Open {
            return Err(not_open(&cart));
        }
        change(&mut cart)?;
        cart.updated_at = now_rfc3339();
        cart.expires_at = chrono::Utc::now().timestamp() + app.config.cart_ttl_seconds;
        let pricing = price(app, &cart, caller.as_ref().map(|c| c.sub.as_str())).await?;
        show_shipping_price(&mut cart, &pricing);
        match app.store().save_cart(&cart).await {
            Ok(_) => return Ok(json(StatusCode::OK, &pricing.view)),
            Err(SaveCartError::Conflict) => continue,
            Err(SaveCartError::Unexpected(e)) => return Err(e.into()),
        }
    }
    Err(ApiError::conflict(
        "cart_busy",
        "the cart is being changed by another request; retry",
    ))
}

fn change_error(e: CartChangeError) -> ApiError {
    match e {
        CartChangeError::Invalid(v) => v.into(),
        CartChangeError::NoSuchLine(_) => ApiError::NotFound("cart line"),
    }
}

/// `POST /carts/{cartId}/items`: adds units of a SKU (merging with its line).
pub async fn add_item(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let caller = optional_identity(app, &request).await?;
    let input: AddItemInput = json_body(&request)?;
    let sku = Sku::parse(&input.sku)?;
    let quantity = parse_quantity(input.quantity)?;
    let product = app
        .store()
        .get_product(&sku)
        .await?
        .filter(|p| p.active)
        .ok_or_else(|| ApiError::Unprocessable {
            code: "unknown_sku",
            message: format!("no product with SKU {sku} is for sale"),
        })?;
    change_cart(app, &request, caller, |cart| {
        cart.add(sku.clone(), quantity).map_err(change_error)?;
        let wanted = cart
            .lines
            .iter()
            .find(|l| l.sku == sku)
            .map_or(0, |l| i64::from(l.quantity));
        if !product.allow_backorder && wanted > product.available {
            return Err(ApiError::Conflict {
                code: "insufficient_stock",
                message: format!("only {} of {sku} available", product.available.max(0)),
                details: Some(
                    serde_json::json!({ "sku": sku, "available": product.available.max(0) }),
                ),
            });
        }
        Ok(())
    })
    .await
}

/// `PATCH /carts/{cartId}/items/{sku}`: sets a line's quantity (0 removes it).
pub async fn update_item(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let caller = optional_identity(app, &request).await?;
    let sku =
        Sku::parse(&path_param(&request, "sku")?).map_err(|_| ApiError::NotFound("cart line"))?;
    let input: SetQuantityInput = json_body(&request)?;
    let quantity = if input.quantity == 0 {
        0
    } else {
        parse_quantity(input.quantity)?
    };
    change_cart(app, &request, caller, |cart| {
        cart.set_quantity(&sku, quantity).map_err(change_error)
    })
    .await
}

/// `DELETE /carts/{cartId}/items/{sku}`: removes a line.
pub async fn remove_item(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let caller = optional_identity(app, &request).await?;
    let sku =
        Sku::parse(&path_param(&request, "sku")?).map_err(|_| ApiError::NotFound("cart line"))?;
    change_cart(app, &request, caller, |cart| {
        cart.remove(&sku).map_err(change_error)
    })
    .await
}

#[derive(Deserialize)]
struct PromotionCodeInput {
    code: String,
}

/// `PUT /carts/{cartId}/promotion`: applies a promotion code, only if it
/// applies to the cart now (422 with the reason otherwise).
pub async fn apply_promotion(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let caller = optional_identity(app, &request).await?;
    let input: PromotionCodeInput = json_body(&request)?;
    let code = parse_code(&input.code)?;
    let cart_id = path_param(&request, "cartId")?;
    let mut candidate = load_cart(app, &cart_id, caller.as_ref()).await?;
    if candidate.status != CartStatus::Open {
        return Err(not_open(&candidate));
    }
    candidate.promotion_code = Some(code.clone());
    let pricing = price(app, &candidate, caller.as_ref().map(|c| c.sub.as_str())).await?;
    let view = pricing.view;
    if pricing.promotion.is_none() {
        return Err(ApiError::Unprocessable {
            code: "promotion_not_found",
            message: format!("no promotion has the code {code}"),
        });
    }
    if let Some(p) = view.promotion.as_ref().filter(|p| !p.applies) {
        return Err(ApiError::Unprocessable {
            code: p.reason_code.unwrap_or("promotion_not_applicable"),
            message: p.reason.clone().unwrap_or_default(),
        });
    }
    change_cart(app, &request, caller, |cart| {
        cart.promotion_code = Some(code.clone());
        Ok(())
    })
    .await
}

/// `DELETE /carts/{cartId}/promotion`: removes the cart's promotion code.
pub async fn remove_promotion(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let caller = optional_identity(app, &request).await?;
    change_cart(app, &request, caller, |cart| {
        cart.promotion_code = None;
        Ok(())
    })
    .await
}

/// `PUT /carts/{cartId}/shipping-address`: where the cart goes; the cart
/// then lists the shipping options that serve it and is taxed there.
pub async fn set_shipping_address(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let caller = optional_identity(app, &request).await?;
    let input: AddressInput = json_body(&request)?;
    let destination = address("shippingAddress", &input)?;
    change_cart(app, &request, caller, |cart| {
        cart.shipping_address = Some(destination.clone());
        Ok(())
    })
    .await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ShippingOptionChoice {
    option_id: String,
}

/// `PUT /carts/{cartId}/shipping-option`: chooses one of the options the
/// cart lists, at the price it lists.
pub async fn set_shipping_option(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let caller = optional_identity(app, &request).await?;
    let input: ShippingOptionChoice = json_body(&request)?;
    let option_id = input.option_id.trim().to_string();
    let cart = load_cart(app, &path_param(&request, "cartId")?, caller.as_ref()).await?;
    if cart.status != CartStatus::Open {
        return Err(not_open(&cart));
    }
    if cart.shipping_address.is_none() {
        return Err(ApiError::conflict(
            "shipping_address_required",
            "set the cart's shipping address first: the options depend on it",
        ));
    }
    let mut candidate = cart;
    candidate.shipping_option = Some(ChosenShipping {
        option_id: option_id.clone(),
        price: crate::domain::money::Money::zero(super::shop_currency(app)?),
    });
    let pricing = price(app, &candidate, caller.as_ref().map(|c| c.sub.as_str())).await?;
    if !matches!(pricing.shipping, ShippingState::Chosen(_)) {
        return Err(ApiError::Unprocessable {
            code: "shipping_option_unavailable",
            message: format!(
                "the shipping option {option_id} does not serve this cart: choose one of the cart's shippingOptions"
            ),
        });
    }
    // Saved with the price the customer is shown (see change_cart).
    change_cart(app, &request, caller, |cart| {
        cart.shipping_option = Some(ChosenShipping {
            option_id: option_id.clone(),
            price: crate::domain::money::Money::zero(super::shop_currency(app)?),
        });
        Ok(())
    })
    .await
}
