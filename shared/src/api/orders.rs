//! Order endpoints for customers (their own orders) and administrators.

use http::StatusCode;
use lambda_http::Request;
use serde::Serialize;

use super::{
    json, page_limit, path_param, query_params, require_admin, require_customer, ApiError,
    HttpResponse,
};
use crate::domain::checkout::{Address, Customer};
use crate::domain::money::Money;
use crate::domain::order::{
    AppliedPromotion, Order, OrderLine, OrderStatus, PaymentRecord, Shipment, StatusChange,
};
use crate::domain::ValidationError;
use crate::store::orders::OrderFilter;
use crate::store::Page;
use crate::App;

/// An order as its customer and administrators see it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderView {
    pub order_id: String,
    pub order_number: String,
    pub status: OrderStatus,
    pub customer: Customer,
    pub shipping_address: Address,
    pub billing_address: Option<Address>,
    pub lines: Vec<OrderLine>,
    pub subtotal: Money,
    pub discount: Money,
    pub shipping: Money,
    pub tax: Money,
    pub tax_included: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_option: Option<crate::domain::order::OrderShipping>,
    pub total: Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promotion: Option<AppliedPromotion>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub returns: Vec<crate::domain::returns::ReturnRecord>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refunds: Vec<crate::domain::returns::RefundEntry>,
    pub status_history: Vec<StatusChange>,
    pub shipment: Option<Shipment>,
    /// What the customer may see of how they paid.
    pub payment_method: Option<PaymentMethodView>,
    pub created_at: String,
    pub updated_at: String,
    /// Until when the customer may ask for a return, once delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub returns_until: Option<String>,
    /// When the customer's personal data was erased.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub erased_at: Option<String>,
}

/// The payment method as shown on an order: type, brand, last 4.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentMethodView {
    pub method_type: Option<String>,
    pub brand: Option<String>,
    pub last4: Option<String>,
}

impl OrderView {
    /// The order as shown, with the shop's return window.
    pub fn of(o: Order, config: &crate::Config) -> Self {
        let returns_until = crate::domain::returns::returns_close(&o, config.return_window_days)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        // Orders placed before shipping and tax were charged carry neither.
        let zero = Money::zero(o.total.currency.clone());
        let discount = o
            .discount
            .clone()
            .or_else(|| o.promotion.as_ref().map(|p| p.discount.clone()))
            .unwrap_or_else(|| zero.clone());
        Self {
            discount,
            shipping: o.shipping.unwrap_or_else(|| zero.clone()),
            tax: o.tax.unwrap_or(zero),
            tax_included: o.tax_included,
            shipping_option: o.shipping_option,
            order_id: o.order_id,
            order_number: o.order_number,
            status: o.status,
            customer: o.customer,
            shipping_address: o.shipping_address,
            billing_address: o.billing_address,
            lines: o.lines,
            subtotal: o.subtotal,
            total: o.total,
            promotion: o.promotion,
            returns: o.after_sales.returns,
            refunds: o.after_sales.refunds,
            status_history: o.status_history,
            shipment: o.shipment,
            payment_method: o.payment_record.map(|p| PaymentMethodView {
                method_type: p.method_type,
                brand: p.brand,
                last4: p.last4,
            }),
            created_at: o.created_at,
            updated_at: o.updated_at,
            returns_until,
            erased_at: o.erased_at,
        }
    }
}

/// An order with what only administrators see.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminOrderView {
    #[serde(flatten)]
    pub order: OrderView,
    pub customer_sub: String,
    pub cart_id: String,
    pub payment: Option<PaymentRecord>,
    /// What the carrier reported about the parcel, oldest first, for the
    /// order's timeline on the dashboard.
    pub tracking_events: Vec<crate::domain::order::TrackingEvent>,
}

impl AdminOrderView {
    pub fn of(o: Order, config: &crate::Config) -> Self {
        let mut tracking_events = o.tracking_events.clone();
        tracking_events.sort_by(|a, b| a.at.cmp(&b.at));
        Self {
            customer_sub: o.customer_sub.clone(),
            cart_id: o.cart_id.clone(),
            payment: o.payment_record.clone(),
            tracking_events,
            order: OrderView::of(o, config),
        }
    }
}

fn views<T>(page: Page<Order>, view: impl Fn(Order) -> T) -> Page<T> {
    Page {
        items: page.items.into_iter().map(view).collect(),
        next_cursor: page.next_cursor,
    }
}

async fn load(app: &App, request: &Request) -> Result<Order, ApiError> {
    let order_id = path_param(request, "orderId")?;
    if uuid::Uuid::parse_str(&order_id).is_err() {
        return Err(ApiError::NotFound("order"));
    }
    app.store()
        .get_order(&order_id)
        .await?
        .ok_or(ApiError::NotFound("order"))
}

/// `GET /orders`: the caller's orders, newest first.
pub async fn list_mine(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let caller = require_customer(&request)?;
    let params = query_params(&request);
    let page = app
        .store()
        .list_customer_orders(
            &caller.sub,
            page_limit(&params)?,
            params.get("cursor").map(String::as_str),
        )
        .await?;
    Ok(json(
        StatusCode::OK,
        &views(page, |o| OrderView::of(o, &app.config)),
    ))
}

/// `GET /orders/{orderId}`: one of the caller's orders; anyone else's is 404.
pub async fn get_mine(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let caller = require_customer(&request)?;
    let order = load(app, &request).await?;
    if order.customer_sub != caller.sub {
        return Err(ApiError::NotFound("order"));
    }
    Ok(json(StatusCode::OK, &OrderView::of(order, &app.config)))
}

/// Parses `from`/`to` (a date or an RFC 3339 time) into sortable UTC text.
fn time_bound(
    value: Option<&String>,
    end_of_day: bool,
    name: &str,
) -> Result<Option<String>, ApiError> {
    let Some(value) = value else { return Ok(None) };
    let parsed = if let Ok(t) = chrono::DateTime::parse_from_rfc3339(value) {
        t.with_timezone(&chrono::Utc)
    } else if let Ok(d) = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        let time = if end_of_day {
            d.and_hms_milli_opt(23, 59, 59, 999)
        } else {
            d.and_hms_opt(0, 0, 0)
        };
        time.ok_or_else(|| {
            ApiError::bad_request("invalid_date", format!("{name} is not a valid date"))
        })?
        .and_utc()
    } else {
        return Err(ApiError::bad_request(
            "invalid_date",
            format!("{name} must be a date (YYYY-MM-DD) or an RFC 3339 time"),
        ));
    };
    Ok(Some(
        parsed.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    ))
}

/// A malformed filter value: 400, as the spec's pattern or format says.
fn invalid_filter(message: &str) -> ApiError {
    ApiError::bad_request("invalid_filter", message.to_string())
}

/// Filters that are each well-formed but that no index serves together:
/// 422, since the request matches the schema.
fn uncombinable_filters(message: &str) -> ApiError {
    ApiError::Unprocessable {
        code: "invalid_filter",
        message: message.to_string(),
    }
}

/// `orderNumber=`: `ORD-` and digits, exactly as shown to customers.
fn order_number_filter(value: &str) -> Result<String, ApiError> {
    let valid = value
        .strip_prefix("ORD-")
        .is_some_and(|d| !d.is_empty() && d.len() <= 18 && d.bytes().all(|b| b.is_ascii_digit()));
    if valid {
        Ok(value.to_string())
    } else {
        Err(invalid_filter(
            "orderNumber must be an order number such as ORD-000042",
        ))
    }
}

/// `GET /admin/orders?status=&from=&to=&email=&orderNumber=`: all orders,
/// newest first. Each filter combination is served by one index:
/// `orderNumber` alone (`ByOrderNumber`), `email` with `from`/`to`
/// (`ByCustomerEmail`), `status` with `from`/`to` (`ByStatus`), or only
/// `from`/`to` (`AllOrders`); any other combination is 422 `invalid_filter`.
pub async fn admin_list(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let params = query_params(&request);
    let limit = page_limit(&params)?;
    let status = match params.get("status") {
        None => None,
        Some(s) => Some(OrderStatus::parse(s).ok_or_else(|| {
            ApiError::bad_request("invalid_status", format!("unknown order status {s}"))
        })?),
    };
    if let Some(number) = params.get("orderNumber") {
        if ["status", "from", "to", "email"]
            .iter()
            .any(|k| params.contains_key(*k))
        {
            return Err(uncombinable_filters(
                "orderNumber finds one order and cannot be combined with status, email, from or to",
            ));
        }
        let number = order_number_filter(number)?;
        // One order at most: there is never a next page to point at.
        if params.contains_key("cursor") {
            return Err(ApiError::from(crate::store::InvalidCursor));
        }
        let order = app.store().find_order_by_number(&number).await?;
        let page = Page {
            items: order.into_iter().collect(),
            next_cursor: None,
        };
        return Ok(json(
            StatusCode::OK,
            &views(page, |o| AdminOrderView::of(o, &app.config)),
        ));
    }
    let customer_email = match params.get("email") {
        None => None,
        Some(_) if status.is_some() => {
            return Err(uncombinable_filters(
                "email cannot be combined with status (email combines with from and to)",
            ))
        }
        Some(e) => Some(
            crate::domain::checkout::search_email(e)
                .ok_or_else(|| invalid_filter("email must be an e-mail address"))?,
        ),
    };
    let filter = OrderFilter {
        status,
        customer_email,
        from: time_bound(params.get("from"), false, "from")?,
        to: time_bound(params.get("to"), true, "to")?,
    };
    if let (Some(from), Some(to)) = (&filter.from, &filter.to) {
        if from > to {
            return Err(ValidationError::range("from", "must not be after to").into());
        }
    }
    let page = app
        .store()
        .list_orders(&filter, limit, params.get("cursor").map(String::as_str))
        .await?;
    Ok(json(
        StatusCode::OK,
        &views(page, |o| AdminOrderView::of(o, &app.config)),
    ))
}

/// `GET /admin/orders/{orderId}/label`: the shipping label of a shipped
/// order, as a PDF to print.
pub async fn admin_label(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let order = load(app, &request).await?;
    let Some(shipment) = order.shipment.clone() else {
        return Err(ApiError::conflict(
            "not_shipped",
            format!(
                "the order is {}; it has a label once it has shipped",
                order.status.as_str()
            ),
        ));
    };
    let sender = crate::fulfilment::label::Sender {
        name: app.config.shop_name.clone(),
        address: app.config.ship_from.clone(),
    };
    let pdf = app
        .carrier
        .label(&order, &shipment, &sender)
        .await
        .map_err(|e| ApiError::Unexpected(e.into()))?;
    http::Response::builder()
        .status(StatusCode::OK)
        .header(http::header::CONTENT_TYPE, "application/pdf")
        .header(
            http::header::CONTENT_DISPOSITION,
            format!("inline; filename=\"label-{}.pdf\"", order.order_number),
        )
        .body(lambda_http::Body::Binary(pdf))
        .map_err(|e| ApiError::Unexpected(e.into()))
}

/// `GET /admin/orders/{orderId}`: any order.
pub async fn admin_get(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let order = load(app, &request).await?;
    Ok(json(
        StatusCode::OK,
        &AdminOrderView::of(order, &app.config),
    ))
}

#[derive(serde::Deserialize, Default)]
struct CancelInput {
    #[serde(default)]
    reason: Option<String>,
}

/// Tells a workflow that waits on a token stored on the cancelled order
/// (a backorder waiting for stock, an order waiting in the fulfilment
/// queue) that the order was cancelled, so its `Catch` compensates and the
/// execution ends now rather than when the wait times out. A token that
/// was answered already counts as reported, so sending it again is
/// harmless.
async fn end_waits(
    app: &App,
    order: &Order,
    fulfilment_token: Option<&str>,
    reason: &str,
) -> Result<(), ApiError> {
    use crate::workers::backorders::ORDER_CANCELLED;
    for token in [order.backorder_token.as_deref(), fulfilment_token]
        .into_iter()
        .flatten()
    {
        crate::workflow::task_failed(app, token, ORDER_CANCELLED, reason).await?;
    }
    Ok(())
}

/// Cancels an order that has not shipped: CANCELLED first (so every later
/// workflow step stops and compensates), then refund, release and e-mail
/// right away. Each part is idempotent, and the workflow's own
/// compensation repeats them harmlessly.
async fn cancel(app: &App, order: Order, reason: String) -> Result<HttpResponse, ApiError> {
    use crate::store::orders::TransitionError;
    let shipped = |status: OrderStatus| {
        ApiError::conflict(
            "order_shipped",
            format!(
                "the order is {}; it can no longer be cancelled, request a return instead",
                status.as_str()
            ),
        )
    };
    match order.status {
        OrderStatus::Shipped
        | OrderStatus::Delivered
        | OrderStatus::PartiallyRefunded
        | OrderStatus::Refunded => return Err(shipped(order.status)),
        OrderStatus::Cancelled => {
            // A repeated cancel: the first may have stopped between its
            // write and telling a waiting workflow, which would then wait
            // until its timeout. Tell it again, with the reason recorded.
            let recorded = order
                .status_history
                .iter()
                .rev()
                .find(|c| c.status == OrderStatus::Cancelled)
                .and_then(|c| c.reason.clone())
                .unwrap_or(reason);
            let token = app
                .store()
                .get_order_for_fulfilment(&order.order_id)
                .await?
                .and_then(|f| f.token);
            end_waits(app, &order, token.as_deref(), &recorded).await?;
            return Ok(json(StatusCode::OK, &OrderView::of(order, &app.config)));
        }
        OrderStatus::Rejected | OrderStatus::PaymentFailed => {
            return Err(ApiError::conflict(
                "order_closed",
                format!(
                    "the order is {} and has nothing to cancel",
                    order.status.as_str()
                ),
            ))
        }
        OrderStatus::Pending
        | OrderStatus::Backordered
        | OrderStatus::Reserved
        | OrderStatus::Paid
        | OrderStatus::AwaitingFulfilment => {}
    }
    let store = app.store();
    let now = crate::domain::now_rfc3339();
    match store
        .transition_order(
            &order.order_id,
            OrderStatus::Cancelled,
            Some(reason.clone()),
            &now,
        )
        .await
    {
        Ok(_) => {}
        Err(TransitionError::NotAllowed {
            current: OrderStatus::Cancelled,
            ..
        }) => {}
        Err(TransitionError::NotAllowed { current, .. })
            if matches!(current, OrderStatus::Shipped | OrderStatus::Delivered) =>
        {
            return Err(shipped(current))
        }
        Err(TransitionError::NotAllowed { current, .. }) => {
            return Err(ApiError::conflict(
                "order_closed",
                format!("the order is {}", current.as_str()),
            ))
        }
        Err(TransitionError::NotFound(_)) => return Err(ApiError::NotFound("order")),
        Err(TransitionError::Unexpected(e)) => return Err(e.into()),
    }
    let crate::store::fulfilment::FulfilmentOrder {
        order: current,
        token: fulfilment_token,
    } = store
        .get_order_for_fulfilment(&order.order_id)
        .await?
        .ok_or(ApiError::NotFound("order"))?;
    // A backorder waiting for stock or an order waiting in the fulfilment
    // queue: its workflow waits on a stored token. The fulfil-order worker
    // stores the token in the write that makes the order
    // AWAITING_FULFILMENT, so an order cancelled from that status has it
    // here; one cancelled while still PAID has none, and the worker, finding
    // it CANCELLED, answers the workflow itself.
    end_waits(app, &current, fulfilment_token.as_deref(), &reason).await?;
    crate::workers::payment::refund_order(app, &current).await?;
    crate::workers::compensation::release_order_stock(app, &current).await?;
    crate::workers::compensation::return_promotion_use(app, &current.order_id).await?;
    let current = store
        .get_order(&order.order_id)
        .await?
        .ok_or(ApiError::NotFound("order"))?;
    crate::notifications::notify(
        app,
        &current,
        crate::notifications::EmailKind::Cancelled,
        Some(&reason),
    )
    .await?;
    tracing::info!(order_id = %current.order_id, "order cancelled");
    Ok(json(StatusCode::OK, &OrderView::of(current, &app.config)))
}

fn cancel_reason(request: &Request, who: &str) -> Result<String, ApiError> {
    let input: CancelInput = super::optional_json_body(request)?;
    let reason = match input.reason {
        Some(r) => crate::domain::text("reason", &r, false, 200)?,
        None => String::new(),
    };
    Ok(if reason.is_empty() {
        format!("cancelled by the {who}")
    } else {
        format!("cancelled by the {who}: {reason}")
    })
}

/// `POST /orders/{orderId}/cancel`: the customer cancels their order before it ships.
pub async fn cancel_mine(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    let caller = require_customer(&request)?;
    let order = load(app, &request).await?;
    if order.customer_sub != caller.sub {
        return Err(ApiError::NotFound("order"));
    }
    let reason = cancel_reason(&request, "customer")?;
    cancel(app, order, reason).await
}

/// `POST /admin/orders/{orderId}/cancel`: an administrator cancels any order before it ships.
pub async fn admin_cancel(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let order = load(app, &request).await?;
    let reason = cancel_reason(&request, "shop")?;
    cancel(app, order, reason).await
}

/// The statuses in which the parcel has not left: the address may change.
const ADDRESS_CHANGEABLE: &[OrderStatus] = &[
    OrderStatus::Pending,
    OrderStatus::Backordered,
    OrderStatus::Reserved,
    OrderStatus::Paid,
    OrderStatus::AwaitingFulfilment,
];

fn address_change_refused(status: OrderStatus) -> ApiError {
    if ADDRESS_CHANGEABLE.contains(&status) {
        ApiError::conflict("order_busy", "the order changed meanwhile; retry")
    } else if matches!(
        status,
        OrderStatus::Cancelled | OrderStatus::Rejected | OrderStatus::PaymentFailed
    ) {
        ApiError::conflict("order_closed", format!("the order is {}", status.as_str()))
    } else {
        ApiError::conflict(
            "order_shipped",
            format!(
                "the order is {}; the parcel has left and its address can no longer change",
                status.as_str()
            ),
        )
    }
}

/// `PATCH /orders/{orderId}/shipping-address`: the customer changes where
/// an order goes until it ships, when the new address keeps the order's
/// shipping option and its tax (so what was charged stays right);
/// otherwise 409.
pub async fn change_shipping_address(
    app: &App,
    request: Request,
) -> Result<HttpResponse, ApiError> {
    let caller = require_customer(&request)?;
    let input: crate::domain::checkout::AddressInput = super::json_body(&request)?;
    let destination = crate::domain::checkout::address("shippingAddress", &input)?;
    let order = load(app, &request).await?;
    if order.customer_sub != caller.sub {
        return Err(ApiError::NotFound("order"));
    }
    if !ADDRESS_CHANGEABLE.contains(&order.status) {
        return Err(address_change_refused(order.status));
    }
    let check = crate::pricing::check_destination(app, &order, &destination).await?;
    if !check.served {
        return Err(ApiError::conflict(
            "shipping_option_unavailable",
            match &order.shipping_option {
                Some(o) => format!("{} does not deliver to this address", o.name),
                None => "the shop does not deliver to this address".to_string(),
            },
        ));
    }
    if check.tax != order.tax_amount() {
        return Err(ApiError::Conflict {
            code: "tax_changed",
            message: "the order would be taxed differently at this address; cancel it and order again to ship there".into(),
            details: Some(serde_json::json!({ "tax": order.tax_amount(), "taxThere": check.tax })),
        });
    }
    let now = crate::domain::now_rfc3339();
    match app
        .store()
        .change_shipping_address(&order.order_id, &destination, ADDRESS_CHANGEABLE, &now)
        .await?
    {
        Some(updated) => {
            tracing::info!(order_id = %updated.order_id, "shipping address changed");
            Ok(json(StatusCode::OK, &OrderView::of(updated, &app.config)))
        }
        None => {
            let current = app
                .store()
                .get_order(&order.order_id)
                .await?
                .ok_or(ApiError::NotFound("order"))?;
            Err(address_change_refused(current.status))
        }
    }
}
