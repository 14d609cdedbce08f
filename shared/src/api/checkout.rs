//! `POST /carts/{cartId}/checkout`: validate, price, write the order and
//! close the cart atomically, start the workflow, answer 202.
//!
//! Idempotency: the caller's `Idempotency-Key` (scoped to their `sub`) is
//! stored in the same transaction as the order, with the response. A repeat
//! with the same body replays that response (and makes sure the workflow
//! started); a repeat with another body is 422. Two concurrent requests
//! with one key race on that transaction and on the cart's version, so only
//! one order is ever written.

use http::StatusCode;
use lambda_http::Request;
use sha2::{Digest, Sha256};

use super::carts::load_cart;
use super::{json, json_body, path_param, require_customer, ApiError, HttpResponse};
use crate::domain::cart::CartStatus;
use crate::domain::checkout::{contains_card_data, CheckoutDetails, CheckoutInput};
use crate::domain::money::Money;
use crate::domain::now_rfc3339;
use crate::domain::order::{
    order_number, AppliedPromotion, Order, OrderLine, OrderShipping, OrderStatus, StatusChange,
};
use crate::domain::product::Sku;
use crate::pricing::ShippingState;
use crate::store::idempotency::{IdempotencyRecord, IDEMPOTENCY_TTL_SECONDS};
use crate::store::orders::PlaceOrderError;
use crate::workflow::start_order_workflow;
use crate::App;

fn idempotency_key(request: &Request) -> Result<String, ApiError> {
    let key = request
        .headers()
        .get("idempotency-key")
        .ok_or_else(|| {
            ApiError::bad_request(
                "idempotency_key_required",
                "the Idempotency-Key header is required",
            )
        })?
        .to_str()
        .map_err(|_| {
            ApiError::bad_request(
                "invalid_idempotency_key",
                "Idempotency-Key must be printable ASCII",
            )
        })?
        .trim()
        .to_string();
    if key.is_empty() || key.len() > 255 {
        return Err(ApiError::bad_request(
            "invalid_idempotency_key",
            "Idempotency-Key must be 1 to 255 characters",
        ));
    }
    Ok(key)
}

/// Hash of what makes two checkout requests "the same": the cart and the
/// body's JSON value (so whitespace and key order do not matter).
fn request_hash(cart_id: &str, body: &serde_json::Value) -> String {
    let mut hasher = Sha256::new();
    hasher.update(cart_id.as_bytes());
    hasher.update([0]);
    hasher.update(body.to_string().as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn replay(
    app: &App,
    record: IdempotencyRecord,
    hash: &str,
) -> Result<HttpResponse, ApiError> {
    if record.request_hash != hash {
        return Err(ApiError::Unprocessable {
            code: "idempotency_key_reused",
            message: "this Idempotency-Key was used with a different request".into(),
        });
    }
    // The first attempt may have written the order but failed to start its
    // workflow; starting again is safe because the order id names the execution.
    start_order_workflow(app, &record.order_id)
        .await
        .map_err(ApiError::Unavailable)?;
    let body: serde_json::Value = serde_json::from_str(&record.response_body)
        .map_err(|e| ApiError::Unexpected(anyhow::anyhow!("stored response: {e}")))?;
    let status = StatusCode::from_u16(record.status_code).unwrap_or(StatusCode::ACCEPTED);
    let mut response = json(status, &body);
    response.headers_mut().insert(
        "idempotent-replayed",
        http::HeaderValue::from_static("true"),
    );
    Ok(response)
}

pub async fn checkout(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let caller = require_customer(&request)?;
    let key = idempotency_key(&request)?;
    let cart_id = path_param(&request, "cartId")?;
    let raw: serde_json::Value = json_body(&request)?;
    if contains_card_data(&raw) {
        // Refused before anything is stored; the message echoes nothing.
        // 422: the body may well match the schema (a card number fits a
        // free-text field); the rule is about what the value is.
        return Err(ApiError::Unprocessable {
            code: "card_data_not_accepted",
            message: "card numbers and security codes are never accepted: send the payment-method token (pm_...) from the payment gateway".into(),
        });
    }
    let input: CheckoutInput = serde_json::from_value(raw.clone()).map_err(|e| {
        ApiError::bad_request(
            "invalid_body",
            format!("the body does not match the expected shape: {e}"),
        )
    })?;
    let details = CheckoutDetails::try_from(&input)?;

    let store = app.store();
    let hash = request_hash(&cart_id, &raw);
    let pk = format!("checkout#{}#{key}", caller.sub);
    let now_epoch = chrono::Utc::now().timestamp();
    if let Some(record) = store.get_idempotency_record(&pk, now_epoch).await? {
        return replay(app, record, &hash).await;
    }

    let cart = load_cart(app, &cart_id, Some(&caller)).await?;
    if cart.status != CartStatus::Open {
        return Err(ApiError::conflict(
            "cart_checked_out",
            "the cart has already been checked out",
        ));
    }
    if cart.lines.is_empty() {
        return Err(ApiError::Unprocessable {
            code: "cart_empty",
            message: "the cart is empty".into(),
        });
    }
    if let Some(expected) = &input.expected_total {
        if expected.currency != app.config.currency {
            return Err(ApiError::bad_request(
                "invalid_field",
                format!(
                    "expectedTotal.currency: must be the shop's currency {}",
                    app.config.currency
                ),
            ));
        }
    }
    // The body's address, when given, is where the order goes; otherwise
    // the cart's.
    let mut candidate = cart.clone();
    if let Some(destination) = &details.shipping_address {
        candidate.shipping_address = Some(destination.clone());
    }
    let Some(shipping_address) = candidate.shipping_address.clone() else {
        return Err(ApiError::conflict(
            "shipping_address_required",
            "give a shippingAddress, here or on the cart",
        ));
    };
    let pricing = super::carts::price(app, &candidate, Some(&caller.sub)).await?;
    let priced = &pricing.view;
    // The promotion is checked again now; the customer is told rather than
    // charged a price they did not see.
    if let Some(p) = priced.promotion.as_ref().filter(|p| !p.applies) {
        return Err(ApiError::Conflict {
            code: p.reason_code.unwrap_or("promotion_not_applicable"),
            message: format!(
                "the promotion {} no longer applies: {}; remove it or try again",
                p.code,
                p.reason.clone().unwrap_or_default()
            ),
            details: Some(serde_json::json!({ "code": p.code })),
        });
    }
    let promotion = pricing
        .promotion
        .clone()
        .filter(|_| priced.promotion.as_ref().is_some_and(|p| p.applies));
    let unavailable: Vec<&Sku> = priced
        .lines
        .iter()
        .filter(|l| !l.purchasable)
        .map(|l| &l.sku)
        .collect();
    if !unavailable.is_empty() {
        return Err(ApiError::Conflict {
            code: "items_unavailable",
            message: "some products in the cart are no longer for sale".into(),
            details: Some(serde_json::json!({ "skus": unavailable })),
        });
    }
    let shipping = match &pricing.shipping {
        ShippingState::NotCharged => None,
        ShippingState::Chosen(quote) => {
            let shown = cart.shipping_option.as_ref().map(|c| &c.price);
            if shown != Some(&quote.price) {
                return Err(ApiError::Conflict {
                    code: "shipping_price_changed",
                    message: format!(
                        "{} now costs {}; review the cart and choose the shipping option again",
                        quote.name,
                        Money::decimal(quote.price.amount)
                    ),
                    details: Some(serde_json::json!({
                        "optionId": quote.option_id,
                        "shown": shown,
                        "price": quote.price,
                    })),
                });
            }
            Some(quote.clone())
        }
        ShippingState::ChoiceUnavailable(option_id) => {
            return Err(ApiError::Conflict {
                code: "shipping_option_unavailable",
                message: "the chosen shipping option no longer serves this cart; choose another"
                    .into(),
                details: Some(serde_json::json!({ "optionId": option_id })),
            })
        }
        ShippingState::NotChosen { served: true } => {
            return Err(ApiError::conflict(
                "shipping_option_required",
                "choose one of the cart's shipping options first",
            ))
        }
        ShippingState::NotChosen { served: false } => {
            return Err(ApiError::conflict(
                "destination_not_served",
                format!("the shop does not ship to {}", shipping_address.country),
            ))
        }
    };
    if let Some(expected) = details.expected_total {
        if expected != priced.total.amount {
            return Err(ApiError::Conflict {
                code: "total_changed",
                message: format!(
                    "the total is now {}, not the {} shown; review the cart",
                    Money::decimal(priced.total.amount),
                    Money::decimal(expected)
                ),
                details: Some(serde_json::json!({ "total": priced.total })),
            });
        }
    }

    let sequence = store.next_order_sequence().await?;
    let now = now_rfc3339();
    let currency = priced.total.currency.clone();
    let money = |amount: i64| Money {
        amount,
        currency: currency.clone(),
    };
    let order = Order {
        order_id: uuid::Uuid::now_v7().to_string(),
        order_number: order_number(sequence),
        customer_sub: caller.sub.clone(),
        customer: details.customer,
        shipping_address,
        billing_address: details.billing_address,
        payment: details.payment,
        lines: priced
            .lines
            .iter()
            .map(|l| OrderLine {
                sku: l.sku.clone(),
                name: l.name.clone(),
                quantity: l.quantity,
                unit_price: l.unit_price.clone(),
                line_total: l.line_total.clone(),
                discount: (l.discount.amount > 0).then(|| l.discount.clone()),
                tax: Some(l.tax.clone()),
            })
            .collect(),
        subtotal: priced.subtotal.clone(),
        discount: Some(priced.discount.clone()),
        shipping: Some(priced.shipping.clone()),
        tax: Some(priced.tax.clone()),
        tax_included: priced.tax_included,
        shipping_option: shipping.map(|q| OrderShipping {
            option_id: q.option_id,
            name: q.name,
            carrier_service: q.carrier_service,
            price: q.price,
            tax: money(pricing.tax.shipping),
        }),
        total: priced.total.clone(),
        status: OrderStatus::Pending,
        status_history: vec![StatusChange {
            status: OrderStatus::Pending,
            at: now.clone(),
            reason: Some("checked out".into()),
        }],
        cart_id: cart.cart_id.clone(),
        created_at: now.clone(),
        updated_at: now,
        stock_state: Default::default(),
        payment_record: None,
        shipment: None,
        tracking_events: Vec::new(),
        promotion: promotion.as_ref().map(|p| AppliedPromotion {
            code: p.code.clone(),
            description: p.description.clone(),
            discount: priced.discount.clone(),
            use_returned: false,
        }),
        backorder_token: None,
        after_sales: Default::default(),
        erased_at: None,
    };
    let body = serde_json::json!({
        "orderId": order.order_id,
        "orderNumber": order.order_number,
        "status": order.status,
        "subtotal": order.subtotal,
        "discount": priced.discount,
        "shipping": priced.shipping,
        "tax": priced.tax,
        "taxIncluded": priced.tax_included,
        "total": order.total,
    });
    let record = IdempotencyRecord {
        pk: pk.clone(),
        request_hash: hash.clone(),
        status_code: StatusCode::ACCEPTED.as_u16(),
        response_body: body.to_string(),
        order_id: order.order_id.clone(),
        expires_at: now_epoch + IDEMPOTENCY_TTL_SECONDS,
    };
    match store
        .place_order(&order, &cart, &record, now_epoch, promotion.as_ref())
        .await
    {
        Ok(()) => {}
        Err(PlaceOrderError::PromotionUsedUp) => {
            return Err(ApiError::conflict(
                "promotion_used_up",
                "the promotion has been used the most times it may be; remove it to check out",
            ))
        }
        Err(PlaceOrderError::PromotionAlreadyUsed) => {
            return Err(ApiError::conflict(
                "promotion_already_used",
                "you have already used this promotion; remove it to check out",
            ))
        }
        Err(PlaceOrderError::KeyInUse) | Err(PlaceOrderError::CartChanged) => {
            // A concurrent request with this key may have won: replay it.
            if let Some(record) = store.get_idempotency_record(&pk, now_epoch).await? {
                return replay(app, record, &hash).await;
            }
            return Err(ApiError::conflict(
                "cart_changed",
                "the cart was changed or checked out while checking out; review it and retry",
            ));
        }
        Err(PlaceOrderError::Unexpected(e)) => return Err(e.into()),
    }
    tracing::info!(order_id = %order.order_id, order_number = %order.order_number, "order placed");
    start_order_workflow(app, &order.order_id)
        .await
        .map_err(ApiError::Unavailable)?;
    Ok(json(StatusCode::ACCEPTED, &body))
}
