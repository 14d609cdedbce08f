//! Returns and refunds after delivery.
//!
//! - `POST /orders/{orderId}/returns`: the customer asks to return units of
//!   a delivered order within the return window.
//! - `POST /admin/orders/{orderId}/returns/{returnId}/approve|reject`.
//! - `POST /admin/orders/{orderId}/returns/{returnId}/receive`: with a
//!   disposition per line; refunds what was paid for those units, restocks
//!   the restockable ones, e-mails the customer.
//! - `POST /admin/orders/{orderId}/refunds`: a refund without a return,
//!   never above what remains refundable.
//!
//! Every refund is first recorded as PENDING on the order (with its
//! gateway idempotency key), then sent to the gateway, then marked
//! SUCCEEDED with the order's payment and status. A retry of the same
//! request finds the PENDING entry and completes it; the key makes the
//! gateway refund once.

use http::StatusCode;
use lambda_http::Request;
use serde::Deserialize;

use super::{json, json_body, path_param, require_admin, require_customer, ApiError, HttpResponse};
use crate::domain::money::Money;
use crate::domain::now_rfc3339;
use crate::domain::order::{Order, OrderStatus, PaymentStatus};
use crate::domain::pricing::tax_in_refund;
use crate::domain::returns::{
    check_request, refund_for, Disposition, RefundEntry, RefundStatus, ReturnRecord, ReturnStatus,
};
use crate::store::after_sales::{AfterSalesError, AfterSalesWrite};
use crate::App;

const ATTEMPTS: usize = 5;

/// Saves a change to the order's returns and refunds; false when another
/// change came first (read the order again and retry).
async fn save(app: &App, write: AfterSalesWrite<'_>) -> Result<bool, ApiError> {
    match app.store().save_after_sales(write).await {
        Ok(()) => Ok(true),
        Err(AfterSalesError::Conflict) => Ok(false),
        Err(AfterSalesError::Unexpected(e)) => Err(e.into()),
    }
}

fn busy() -> ApiError {
    ApiError::conflict(
        "order_busy",
        "the order's returns are being changed by another request; retry",
    )
}

async fn load(app: &App, order_id: &str) -> Result<Order, ApiError> {
    if uuid::Uuid::parse_str(order_id).is_err() {
        return Err(ApiError::NotFound("order"));
    }
    app.store()
        .get_order(order_id)
        .await?
        .ok_or(ApiError::NotFound("order"))
}

fn captured(order: &Order) -> Result<i64, ApiError> {
    order
        .payment_record
        .as_ref()
        .filter(|p| matches!(p.status, PaymentStatus::Captured | PaymentStatus::Refunded))
        .map(|p| p.amount.amount)
        .ok_or_else(|| ApiError::conflict("not_paid", "the order has no captured payment"))
}

fn after_delivery(order: &Order) -> Result<(), ApiError> {
    match order.status {
        OrderStatus::Delivered | OrderStatus::PartiallyRefunded => Ok(()),
        OrderStatus::Refunded => Err(ApiError::conflict(
            "order_refunded",
            "the order has been refunded in full",
        )),
        other => Err(ApiError::conflict(
            "not_delivered",
            format!(
                "the order is {}; returns and refunds start once it is delivered",
                other.as_str()
            ),
        )),
    }
}

#[derive(Deserialize)]
struct ReturnLineInput {
    sku: String,
    #[serde(deserialize_with = "crate::domain::json_input::whole_number")]
    quantity: i64,
}

#[derive(Deserialize)]
struct ReturnInput {
    lines: Vec<ReturnLineInput>,
    reason: String,
}

/// `POST /orders/{orderId}/returns`.
pub async fn request(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let caller = require_customer(&request)?;
    let order_id = path_param(&request, "orderId")?;
    let input: ReturnInput = json_body(&request)?;
    let reason = crate::domain::text("reason", &input.reason, true, 500)?;
    let wanted: Vec<(String, i64)> = input
        .lines
        .iter()
        .map(|l| (l.sku.clone(), l.quantity))
        .collect();
    for _ in 0..ATTEMPTS {
        let order = load(app, &order_id).await?;
        if order.customer_sub != caller.sub {
            return Err(ApiError::NotFound("order"));
        }
        after_delivery(&order)?;
        let closes = crate::domain::returns::returns_close(&order, app.config.return_window_days)
            .ok_or_else(|| {
            ApiError::Unexpected(anyhow::anyhow!("a delivered order without its delivery"))
        })?;
        if chrono::Utc::now() > closes {
            return Err(ApiError::conflict(
                "return_window_closed",
                format!(
                    "returns were possible until {}",
                    closes.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ),
            ));
        }
        let lines = check_request(&order, &order.after_sales, &wanted).map_err(|e| {
            ApiError::Unprocessable {
                code: "invalid_return",
                message: e.to_string(),
            }
        })?;
        let now = now_rfc3339();
        let record = ReturnRecord {
            return_id: uuid::Uuid::now_v7().to_string(),
            lines,
            reason: reason.clone(),
            status: ReturnStatus::Requested,
            requested_at: now.clone(),
            updated_at: now.clone(),
            note: None,
            refund: None,
            refund_id: None,
        };
        let mut after = order.after_sales.clone();
        for line in &record.lines {
            *after.claimed.entry(line.sku.to_string()).or_default() += line.quantity;
        }
        after.returns.push(record.clone());
        after.version += 1;
        if !save(app, AfterSalesWrite::new(&order, &after, &caller.sub, &now)).await? {
            continue;
        }
        tracing::info!(%order_id, return_id = %record.return_id, "return requested");
        return Ok(json(StatusCode::CREATED, &record));
    }
    Err(busy())
}

#[derive(Deserialize, Default)]
struct DecisionInput {
    #[serde(default)]
    note: Option<String>,
}

async fn decide(app: &App, request: Request, approve: bool) -> Result<HttpResponse, ApiError> {
    let admin = require_admin(&request)?;
    let order_id = path_param(&request, "orderId")?;
    let return_id = path_param(&request, "returnId")?;
    let input: DecisionInput = super::optional_json_body(&request)?;
    let note = input
        .note
        .map(|n| crate::domain::text("note", &n, false, 500))
        .transpose()?;
    let target = if approve {
        ReturnStatus::Approved
    } else {
        ReturnStatus::Rejected
    };
    for _ in 0..ATTEMPTS {
        let order = load(app, &order_id).await?;
        let mut after = order.after_sales.clone();
        let record = after
            .returns
            .iter_mut()
            .find(|r| r.return_id == return_id)
            .ok_or(ApiError::NotFound("return"))?;
        if record.status == target {
            return Ok(json(StatusCode::OK, &record.clone()));
        }
        if record.status != ReturnStatus::Requested {
            return Err(ApiError::conflict(
                "return_decided",
                format!("the return is {}", record.status.as_str()),
            ));
        }
        let now = now_rfc3339();
        record.status = target;
        record.note = note.clone();
        record.updated_at = now.clone();
        let decided = record.clone();
        if !approve {
            for line in &decided.lines {
                if let Some(c) = after.claimed.get_mut(line.sku.as_str()) {
                    *c = c.saturating_sub(line.quantity);
                }
            }
        }
        after.version += 1;
        if !save(app, AfterSalesWrite::new(&order, &after, &admin.sub, &now)).await? {
            continue;
        }
        return Ok(json(StatusCode::OK, &decided));
    }
    Err(busy())
}

/// `POST /admin/orders/{orderId}/returns/{returnId}/approve`.
pub async fn approve(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    decide(app, request, true).await
}

/// `POST /admin/orders/{orderId}/returns/{returnId}/reject`.
pub async fn reject(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    decide(app, request, false).await
}

#[derive(Deserialize)]
struct ReceivedLineInput {
    sku: String,
    disposition: Disposition,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReceiveInput {
    lines: Vec<ReceivedLineInput>,
    /// Whether the refund gives the order's shipping back too (once).
    #[serde(default)]
    refund_shipping: bool,
}

/// `POST /admin/orders/{orderId}/returns/{returnId}/receive`.
pub async fn receive(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let admin = require_admin(&request)?;
    let order_id = path_param(&request, "orderId")?;
    let return_id = path_param(&request, "returnId")?;
    let input: ReceiveInput = json_body(&request)?;
    let key = format!("return-{return_id}");
    let mut restocked = Vec::new();
    for attempt in 0..=ATTEMPTS {
        if attempt == ATTEMPTS {
            return Err(busy());
        }
        let order = load(app, &order_id).await?;
        let mut after = order.after_sales.clone();
        let index = after
            .returns
            .iter()
            .position(|r| r.return_id == return_id)
            .ok_or(ApiError::NotFound("return"))?;
        match after.returns[index].status {
            ReturnStatus::Approved => {}
            ReturnStatus::Receiving | ReturnStatus::Refunded => break,
            other => {
                return Err(ApiError::conflict(
                    "return_not_approved",
                    format!(
                        "the return is {}; only an approved return can be received",
                        other.as_str()
                    ),
                ))
            }
        }
        let captured = captured(&order)?;
        let mut record = after.returns[index].clone();
        for line in &mut record.lines {
            let given = input
                .lines
                .iter()
                .find(|l| l.sku == line.sku.as_str())
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_field",
                        format!("lines: give a disposition for {}", line.sku),
                    )
                })?;
            line.disposition = Some(given.disposition);
        }
        let share = refund_for(
            &order,
            &after,
            &record.lines,
            captured,
            input.refund_shipping,
        );
        let amount = share.amount;
        let currency = order.total.currency.clone();
        let money = |amount: i64| Money {
            amount,
            currency: currency.clone(),
        };
        let now = now_rfc3339();
        record.status = ReturnStatus::Receiving;
        record.refund = Some(Money {
            amount,
            currency: currency.clone(),
        });
        record.updated_at = now.clone();
        for line in &record.lines {
            *after
                .refunded_units
                .entry(line.sku.to_string())
                .or_default() += line.quantity;
        }
        after.refunds.push(RefundEntry {
            key: key.clone(),
            amount: money(amount),
            reason: format!("return {return_id}: {}", record.reason),
            return_id: Some(return_id.clone()),
            status: RefundStatus::Pending,
            refund_id: None,
            at: now.clone(),
            tax: (share.tax > 0).then(|| money(share.tax)),
            shipping: (share.shipping > 0).then(|| money(share.shipping)),
        });
        let restock: Vec<_> = record
            .lines
            .iter()
            .filter(|l| l.disposition == Some(Disposition::Restock))
            .map(|l| (l.sku.clone(), l.quantity, format!("return {return_id}")))
            .collect();
        after.returns[index] = record;
        after.version += 1;
        let write = AfterSalesWrite {
            restock: restock.clone(),
            ..AfterSalesWrite::new(&order, &after, &admin.sub, &now)
        };
        if save(app, write).await? {
            restocked = restock.into_iter().map(|(sku, _, _)| sku).collect();
            break;
        }
    }
    if !restocked.is_empty() {
        crate::inventory::refresh_low_stock(app, restocked).await;
    }
    let order = complete_refund(app, &order_id, &key, &admin.sub).await?;
    let record = order
        .after_sales
        .returns
        .iter()
        .find(|r| r.return_id == return_id)
        .cloned()
        .ok_or(ApiError::NotFound("return"))?;
    Ok(json(StatusCode::OK, &record))
}

#[derive(Deserialize)]
struct RefundInput {
    amount: crate::domain::promotion::MoneyInput,
    reason: String,
}

/// `POST /admin/orders/{orderId}/refunds`: a refund without a return.
pub async fn admin_refund(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let admin = require_admin(&request)?;
    let order_id = path_param(&request, "orderId")?;
    let idempotency = request
        .headers()
        .get("idempotency-key")
        .and_then(|h| h.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 255)
        .ok_or_else(|| {
            ApiError::bad_request(
                "idempotency_key_required",
                "the Idempotency-Key header (1 to 255 characters) is required",
            )
        })?
        .to_string();
    let input: RefundInput = json_body(&request)?;
    let reason = crate::domain::text("reason", &input.reason, true, 500)?;
    let shop = super::shop_currency(app)?;
    let amount = Money::parse_price(input.amount.amount, &input.amount.currency, &shop)
        .map_err(|e| ApiError::bad_request("invalid_field", format!("amount: {}", e.message)))?;
    if amount.amount <= 0 {
        return Err(ApiError::bad_request(
            "invalid_field",
            "amount: must be more than 0",
        ));
    }
    let key = format!("admin-refund-{order_id}-{idempotency}");
    for attempt in 0..=ATTEMPTS {
        if attempt == ATTEMPTS {
            return Err(busy());
        }
        let order = load(app, &order_id).await?;
        if let Some(existing) = order.after_sales.refunds.iter().find(|r| r.key == key) {
            if existing.amount != amount {
                return Err(ApiError::Unprocessable {
                    code: "idempotency_key_reused",
                    message: "this Idempotency-Key was used for another refund".into(),
                });
            }
            break;
        }
        after_delivery(&order)?;
        let remaining = captured(&order)? - order.after_sales.refunded_total();
        if amount.amount > remaining {
            return Err(ApiError::Unprocessable {
                code: "refund_exceeds_remaining",
                message: format!("at most {remaining} minor units remain refundable"),
            });
        }
        let now = now_rfc3339();
        let mut after = order.after_sales.clone();
        after.refunds.push(RefundEntry {
            key: key.clone(),
            amount: amount.clone(),
            reason: reason.clone(),
            return_id: None,
            status: RefundStatus::Pending,
            refund_id: None,
            at: now.clone(),
            tax: Some(Money {
                amount: tax_in_refund(amount.amount, order.tax_amount(), order.total.amount),
                currency: amount.currency.clone(),
            })
            .filter(|t| t.amount > 0),
            shipping: None,
        });
        after.version += 1;
        if save(app, AfterSalesWrite::new(&order, &after, &admin.sub, &now)).await? {
            break;
        }
    }
    let order = complete_refund(app, &order_id, &key, &admin.sub).await?;
    let entry = order
        .after_sales
        .refunds
        .iter()
        .find(|r| r.key == key)
        .cloned()
        .ok_or(ApiError::NotFound("refund"))?;
    Ok(json(StatusCode::CREATED, &entry))
}

/// Sends a PENDING refund to the gateway (its key makes that happen once)
/// and records it: the entry SUCCEEDED, the return REFUNDED, the payment's
/// refunded amount, the order PARTIALLY_REFUNDED or REFUNDED; then e-mails
/// the customer once.
async fn complete_refund(
    app: &App,
    order_id: &str,
    key: &str,
    actor: &str,
) -> Result<Order, ApiError> {
    for _ in 0..ATTEMPTS {
        let order = load(app, order_id).await?;
        let entry = order
            .after_sales
            .refunds
            .iter()
            .find(|r| r.key == key)
            .cloned()
            .ok_or(ApiError::NotFound("refund"))?;
        if entry.status == RefundStatus::Succeeded {
            return Ok(order);
        }
        let payment = order
            .payment_record
            .clone()
            .ok_or_else(|| ApiError::conflict("not_paid", "the order has no payment"))?;
        let refund_id = if entry.amount.amount > 0 {
            let payment_id = payment.payment_id.clone().ok_or_else(|| {
                ApiError::Unexpected(anyhow::anyhow!("captured payment without an id"))
            })?;
            let refund = app
                .payments
                .refund(&payment_id, &entry.amount, key)
                .await
                .map_err(|e| match e {
                    crate::payments::PaymentError::Unavailable(e) => ApiError::Unavailable(e),
                    declined => ApiError::conflict("refund_declined", declined.to_string()),
                })?;
            Some(refund.refund_id)
        } else {
            None
        };
        let now = now_rfc3339();
        let mut after = order.after_sales.clone();
        for r in &mut after.refunds {
            if r.key == key {
                r.status = RefundStatus::Succeeded;
                r.refund_id = refund_id.clone();
            }
        }
        if let Some(return_id) = &entry.return_id {
            for r in &mut after.returns {
                if &r.return_id == return_id {
                    r.status = ReturnStatus::Refunded;
                    r.refund_id = refund_id.clone();
                    r.updated_at = now.clone();
                }
            }
        }
        after.version += 1;
        let refunded: i64 = after
            .refunds
            .iter()
            .filter(|r| r.status == RefundStatus::Succeeded)
            .map(|r| r.amount.amount)
            .sum();
        let full = refunded >= payment.amount.amount;
        let mut record = payment.clone();
        record.refunded = Some(Money {
            amount: refunded,
            currency: payment.amount.currency.clone(),
        });
        record.refund_id = refund_id.clone().or(record.refund_id);
        record.status = if full {
            PaymentStatus::Refunded
        } else {
            PaymentStatus::Captured
        };
        record.updated_at = now.clone();
        let to = if full {
            OrderStatus::Refunded
        } else {
            OrderStatus::PartiallyRefunded
        };
        let status = (to != order.status).then(|| (to, entry.reason.clone()));
        let write = AfterSalesWrite {
            status,
            payment: Some(&record),
            ..AfterSalesWrite::new(&order, &after, actor, &now)
        };
        if !save(app, write).await? {
            continue;
        }
        let order = load(app, order_id).await?;
        crate::notifications::notify_refund(app, &order, key, &entry).await?;
        tracing::info!(%order_id, %key, amount = entry.amount.amount, "refunded");
        return Ok(order);
    }
    Err(busy())
}

/// A return waiting for an admin, with its order.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct OpenReturn {
    order_id: String,
    order_number: String,
    customer: crate::domain::checkout::Customer,
    #[serde(flatten)]
    r#return: ReturnRecord,
}

/// `GET /admin/returns`: returns waiting for an admin (REQUESTED, APPROVED
/// or RECEIVING), oldest order first, paged by order.
pub async fn open_returns(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let params = super::query_params(&request);
    let page = app
        .store()
        .list_open_returns(
            super::page_limit(&params)?,
            params.get("cursor").map(String::as_str),
        )
        .await?;
    let items: Vec<OpenReturn> = page
        .items
        .into_iter()
        .flat_map(|order| {
            let (id, number, customer) = (order.order_id, order.order_number, order.customer);
            order
                .after_sales
                .returns
                .into_iter()
                .filter(|r| {
                    matches!(
                        r.status,
                        ReturnStatus::Requested | ReturnStatus::Approved | ReturnStatus::Receiving
                    )
                })
                .map(move |r| OpenReturn {
                    order_id: id.clone(),
                    order_number: number.clone(),
                    customer: customer.clone(),
                    r#return: r,
                })
        })
        .collect();
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "items": items, "nextCursor": page.next_cursor }),
    ))
}
