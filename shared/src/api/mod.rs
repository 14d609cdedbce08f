//! The HTTP API behind API Gateway: one [`Endpoint`] per Lambda function,
//! request parsing at the edge, and JSON responses.

pub mod carts;
pub mod checkout;
pub mod error;
pub mod fulfilment;
pub mod integrations;
pub mod orders;
pub mod payment_webhooks;
pub mod payments;
pub mod products;
pub mod promotions;
pub mod realtime;
pub mod reports;
pub mod returns;
pub mod settings;
pub mod shop;
pub mod tracking;

use std::collections::HashMap;
use std::convert::Infallible;

use http::StatusCode;
use lambda_http::{Body, Request, RequestExt};
use serde::de::DeserializeOwned;

pub use error::ApiError;

use crate::auth::Identity;
use crate::App;

pub type HttpResponse = http::Response<Body>;

/// The largest request body any endpoint accepts.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

macro_rules! endpoints {
    ($($variant:ident / $serve:ident => $name:literal => $handler:path,)*) => {
        /// Every HTTP endpoint; each is deployed as its own function, named
        /// like its binary in `functions/src/bin/` and in `template.yaml`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Endpoint { $($variant,)* }

        impl Endpoint {
            pub const ALL: &'static [Endpoint] = &[$(Endpoint::$variant,)*];

            /// The function's name (`list-products`, …).
            pub fn name(self) -> &'static str {
                match self { $(Endpoint::$variant => $name,)* }
            }

            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|e| e.name() == name)
            }

            /// Handles one request; never fails, errors become JSON responses.
            pub async fn call(self, app: &App, request: Request) -> HttpResponse {
                // Boxed: the handlers' futures are large in debug builds,
                // and a match over all of them would be as large as the
                // largest on the caller's stack.
                let result = match self { $(Endpoint::$variant => Box::pin($handler(app, request)).await,)* };
                result.unwrap_or_else(ApiError::into_response)
            }
        }

        /// One `main` per function. Each calls [`run`] with its handler only,
        /// so a function's binary links its own handler and no other.
        pub mod serve {
            use super::*;
            $(
                #[doc = concat!("The `", $name, "` function.")]
                pub async fn $serve() -> Result<(), lambda_http::Error> {
                    run(|app, request| $handler(app, request)).await
                }
            )*
        }
    };
}

endpoints! {
    ListProducts / list_products => "list-products" => products::list,
    GetProduct / get_product => "get-product" => products::get,
    AdminGetProduct / admin_get_product => "admin-get-product" => products::admin_get,
    CreateProduct / create_product => "create-product" => products::create,
    UpdateProduct / update_product => "update-product" => products::update,
    ArchiveProduct / archive_product => "archive-product" => products::archive,
    AdjustStock / adjust_stock => "adjust-stock" => products::adjust_stock,
    ListInventory / list_inventory => "list-inventory" => products::inventory,
    GetStockLedger / get_stock_ledger => "get-stock-ledger" => products::stock_ledger,
    CreateCart / create_cart => "create-cart" => carts::create,
    GetCart / get_cart => "get-cart" => carts::get,
    AddCartItem / add_cart_item => "add-cart-item" => carts::add_item,
    UpdateCartItem / update_cart_item => "update-cart-item" => carts::update_item,
    RemoveCartItem / remove_cart_item => "remove-cart-item" => carts::remove_item,
    Checkout / checkout => "checkout" => checkout::checkout,
    ListMyOrders / list_my_orders => "list-my-orders" => orders::list_mine,
    GetMyOrder / get_my_order => "get-my-order" => orders::get_mine,
    AdminListOrders / admin_list_orders => "admin-list-orders" => orders::admin_list,
    AdminGetOrder / admin_get_order => "admin-get-order" => orders::admin_get,
    AdminGetOrderLabel / admin_get_order_label => "admin-get-order-label" => orders::admin_label,
    CancelMyOrder / cancel_my_order => "cancel-my-order" => orders::cancel_mine,
    AdminCancelOrder / admin_cancel_order => "admin-cancel-order" => orders::admin_cancel,
    ShipOrder / ship_order => "ship-order" => fulfilment::ship,
    ListFulfilmentQueue / list_fulfilment_queue => "list-fulfilment-queue" => fulfilment::queue,
    GetShopSettings / get_shop_settings => "get-shop-settings" => settings::get,
    UpdateShopSettings / update_shop_settings => "update-shop-settings" => settings::update,
    GetOrderTracking / get_order_tracking => "get-order-tracking" => tracking::order_tracking,
    CarrierWebhook / carrier_webhook => "carrier-webhook" => tracking::carrier_webhook,
    PaymentWebhook / payment_webhook => "payment-webhook" => payment_webhooks::payment_webhook,
    CreatePromotion / create_promotion => "create-promotion" => promotions::create,
    ListPromotions / list_promotions => "list-promotions" => promotions::list,
    GetPromotion / get_promotion => "get-promotion" => promotions::get,
    UpdatePromotion / update_promotion => "update-promotion" => promotions::update,
    DeactivatePromotion / deactivate_promotion => "deactivate-promotion" => promotions::deactivate,
    ApplyCartPromotion / apply_cart_promotion => "apply-cart-promotion" => carts::apply_promotion,
    RemoveCartPromotion / remove_cart_promotion => "remove-cart-promotion" => carts::remove_promotion,
    GetLowStockReport / get_low_stock_report => "get-low-stock-report" => reports::low_stock,
    RunLowStockReport / run_low_stock_report => "run-low-stock-report" => reports::run_low_stock,
    GetSalesReport / get_sales_report => "get-sales-report" => reports::sales,
    GetProductsReport / get_products_report => "get-products-report" => reports::products,
    GetCustomersReport / get_customers_report => "get-customers-report" => reports::customers,
    RequestReturn / request_return => "request-return" => returns::request,
    ApproveReturn / approve_return => "approve-return" => returns::approve,
    RejectReturn / reject_return => "reject-return" => returns::reject,
    ReceiveReturn / receive_return => "receive-return" => returns::receive,
    RefundOrder / refund_order => "refund-order" => returns::admin_refund,
    ListOpenReturns / list_open_returns => "list-open-returns" => returns::open_returns,
    ListPayments / list_payments => "list-payments" => payments::list,
    CreateShippingOption / create_shipping_option => "create-shipping-option" => shop::create_option,
    ListShippingOptions / list_shipping_options => "list-shipping-options" => shop::list_options,
    GetShippingOption / get_shipping_option => "get-shipping-option" => shop::get_option,
    UpdateShippingOption / update_shipping_option => "update-shipping-option" => shop::update_option,
    DeactivateShippingOption / deactivate_shipping_option => "deactivate-shipping-option" => shop::deactivate_option,
    ListTaxRates / list_tax_rates => "list-tax-rates" => shop::list_rates,
    PutTaxRate / put_tax_rate => "put-tax-rate" => shop::put_rate,
    DeleteTaxRate / delete_tax_rate => "delete-tax-rate" => shop::delete_rate,
    SetCartShippingAddress / set_cart_shipping_address => "set-cart-shipping-address" => carts::set_shipping_address,
    SetCartShippingOption / set_cart_shipping_option => "set-cart-shipping-option" => carts::set_shipping_option,
    ChangeShippingAddress / change_shipping_address => "change-shipping-address" => orders::change_shipping_address,
    GetCurrentCart / get_current_cart => "get-current-cart" => carts::current,
    ClaimCart / claim_cart => "claim-cart" => carts::claim,
    CreateRealtimeTicket / create_realtime_ticket => "create-realtime-ticket" => realtime::create_ticket,
    ListWebhooks / list_webhooks => "list-webhooks" => integrations::list,
    CreateWebhook / create_webhook => "create-webhook" => integrations::create,
    GetWebhook / get_webhook => "get-webhook" => integrations::get,
    UpdateWebhook / update_webhook => "update-webhook" => integrations::update,
    DeleteWebhook / delete_webhook => "delete-webhook" => integrations::delete,
    RotateWebhookSecret / rotate_webhook_secret => "rotate-webhook-secret" => integrations::rotate_secret,
    ListWebhookDeliveries / list_webhook_deliveries => "list-webhook-deliveries" => integrations::deliveries,
    RedeliverWebhook / redeliver_webhook => "redeliver-webhook" => integrations::redeliver,
    EraseCustomer / erase_customer => "request-customer-erasure" => integrations::erase_customer,
    GetCustomerErasure / get_customer_erasure => "get-customer-erasure" => integrations::get_erasure,
}

/// A function's whole life: build the clients once, then serve requests
/// with `handler`, turning its errors into JSON responses.
pub async fn run<F, Fut>(handler: F) -> Result<(), lambda_http::Error>
where
    F: Fn(&'static App, Request) -> Fut + Send + Sync,
    Fut: std::future::Future<Output = Result<HttpResponse, ApiError>> + Send,
{
    crate::telemetry::init();
    // The clients live as long as the execution environment.
    let app: &'static App = Box::leak(Box::new(App::from_env().await?));
    let handler = &handler;
    lambda_http::run(lambda_http::service_fn(
        move |request: Request| async move {
            Ok::<_, Infallible>(
                Box::pin(handler(app, request))
                    .await
                    .unwrap_or_else(ApiError::into_response),
            )
        },
    ))
    .await
}

/// The shop's currency, from `SHOP_CURRENCY`.
pub(crate) fn shop_currency(app: &App) -> Result<crate::domain::money::Currency, ApiError> {
    crate::domain::money::Currency::parse(&app.config.currency)
        .map_err(|e| ApiError::Unexpected(anyhow::anyhow!("SHOP_CURRENCY: {e}")))
}

/// A JSON response.
pub fn json(status: StatusCode, value: &impl serde::Serialize) -> HttpResponse {
    let body = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string());
    http::Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Body::Text(body))
        .unwrap_or_else(|_| http::Response::new(Body::Empty))
}

/// The caller established by API Gateway's JWT authorizer, if any.
pub fn claims_identity(request: &Request) -> Option<Identity> {
    match request.request_context_ref()? {
        lambda_http::request::RequestContext::ApiGatewayV2(ctx) => {
            let claims = &ctx.authorizer.as_ref()?.jwt.as_ref()?.claims;
            Identity::from_claims(claims)
        }
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// A signed-in caller, or 401.
pub fn require_customer(request: &Request) -> Result<Identity, ApiError> {
    claims_identity(request).ok_or(ApiError::Unauthorized)
}

/// A caller in the `admin` group, or 401/403.
pub fn require_admin(request: &Request) -> Result<Identity, ApiError> {
    let identity = require_customer(request)?;
    if identity.is_admin() {
        Ok(identity)
    } else {
        Err(ApiError::Forbidden)
    }
}

/// On routes where signing in is optional (carts) API Gateway passes no
/// claims, so a bearer token, when sent, is verified here; a bad one is 401.
pub async fn optional_identity(app: &App, request: &Request) -> Result<Option<Identity>, ApiError> {
    if let Some(identity) = claims_identity(request) {
        return Ok(Some(identity));
    }
    let Some(header) = request.headers().get(http::header::AUTHORIZATION) else {
        return Ok(None);
    };
    let token = header
        .to_str()
        .ok()
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or(ApiError::Unauthorized)?;
    let verifier = app.jwt.as_ref().ok_or(ApiError::Unauthorized)?;
    match verifier.identity(token.trim()).await {
        Ok(identity) => Ok(Some(identity)),
        Err(crate::auth::TokenError::KeysUnavailable(e)) => Err(ApiError::Unexpected(e)),
        Err(_) => Err(ApiError::Unauthorized),
    }
}

/// Checks a webhook's `t=…,v1=…` signature header over the raw body with
/// `secret`: 400 `invalid_signature` when it does not match or is stale.
/// A secret that is not configured is a fault (500), never an open door.
pub async fn verify_webhook(
    app: &App,
    secret: Option<&crate::secrets::Secret>,
    header: &str,
    request: &Request,
) -> Result<(), ApiError> {
    use crate::webhooks::signature::{verify, SignatureError};
    let secret = secret
        .ok_or_else(|| {
            ApiError::Unexpected(anyhow::anyhow!("no secret for {header} is configured"))
        })?
        .value(&app.secrets)
        .await?;
    let signature = request
        .headers()
        .get(header)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let body: &[u8] = request.body().as_ref();
    verify(secret, signature, body, chrono::Utc::now().timestamp()).map_err(|e| {
        let message = match e {
            SignatureError::Stale => "the signature is too old",
            _ => "the signature does not match the body",
        };
        ApiError::bad_request("invalid_signature", message)
    })
}

/// The request body as JSON of type `T`: 413 past [`MAX_BODY_BYTES`],
/// 400 `malformed_json` for bad syntax, 400 `invalid_body` for wrong shapes.
pub fn json_body<T: DeserializeOwned>(request: &Request) -> Result<T, ApiError> {
    let bytes: &[u8] = request.body().as_ref();
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::PayloadTooLarge(MAX_BODY_BYTES));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "missing_body",
            "a JSON body is required",
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => ApiError::bad_request(
            "invalid_body",
            format!("the body does not match the expected shape: {e}"),
        ),
        _ => ApiError::bad_request("malformed_json", format!("the body is not valid JSON: {e}")),
    })
}

/// Like [`json_body`] for an optional body: none (or only whitespace) is
/// `T::default()`.
pub fn optional_json_body<T: DeserializeOwned + Default>(request: &Request) -> Result<T, ApiError> {
    let bytes: &[u8] = request.body().as_ref();
    if bytes.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        json_body(request)
    }
}

/// A path parameter API Gateway extracted from the route.
pub fn path_param(request: &Request, name: &str) -> Result<String, ApiError> {
    request
        .path_parameters_ref()
        .and_then(|p| p.first(name))
        .map(str::to_string)
        .ok_or_else(|| {
            ApiError::bad_request("missing_path_parameter", format!("{name} is required"))
        })
}

/// Query string parameters (first value of each).
pub fn query_params(request: &Request) -> HashMap<String, String> {
    let mut params = HashMap::new();
    if let Some(q) = request.query_string_parameters_ref() {
        for (k, _) in q.iter() {
            if let Some(v) = q.first(k) {
                params.insert(k.to_string(), v.to_string());
            }
        }
    }
    params
}

/// The page size from `?limit=` (1–100, default 20).
pub fn page_limit(params: &HashMap<String, String>) -> Result<i32, ApiError> {
    match params.get("limit") {
        None => Ok(20),
        Some(v) => v
            .parse::<i32>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request("invalid_limit", "limit must be an integer from 1 to 100")
            }),
    }
}
