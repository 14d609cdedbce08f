//! Manual fulfilment for staff: the fulfilment queue with its pick list,
//! and shipping an order from it (see `docs/fulfilment.md`).

use http::StatusCode;
use lambda_http::Request;
use serde::{Deserialize, Serialize};

use super::orders::AdminOrderView;
use super::{json, page_limit, path_param, query_params, require_admin, ApiError, HttpResponse};
use crate::domain::fulfilment::{pick_list, PickListEntry, ShipInputError, ShipWith};
use crate::domain::json_input::not_null;
use crate::domain::now_rfc3339;
use crate::domain::order::OrderStatus;
use crate::fulfilment::CarrierError;
use crate::store::fulfilment::FulfilmentOrder;
use crate::store::workflow_steps::StepWriteError;
use crate::workers::shipping::shipped_output;
use crate::App;

/// A page of the fulfilment queue and what to pick for it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QueuePage {
    items: Vec<AdminOrderView>,
    next_cursor: Option<String>,
    pick_list: Vec<PickListEntry>,
}

/// `GET /admin/fulfilment`: the orders AWAITING_FULFILMENT, oldest first,
/// and the pick list of the page (units per SKU over its orders).
pub async fn queue(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let params = query_params(&request);
    let limit = page_limit(&params)?;
    let page = app
        .store()
        .list_fulfilment_queue(limit, params.get("cursor").map(String::as_str))
        .await?;
    let pick_list = pick_list(&page.items);
    let body = QueuePage {
        items: page
            .items
            .into_iter()
            .map(|o| AdminOrderView::of(o, &app.config))
            .collect(),
        next_cursor: page.next_cursor,
        pick_list,
    };
    Ok(json(StatusCode::OK, &body))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ShipInput {
    #[serde(default, deserialize_with = "not_null")]
    carrier: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    tracking_number: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    tracking_url: Option<String>,
}

fn ship_with(request: &Request) -> Result<ShipWith, ApiError> {
    let input: ShipInput = super::optional_json_body(request)?;
    ShipWith::parse(
        input.carrier.as_deref(),
        input.tracking_number.as_deref(),
        input.tracking_url.as_deref(),
    )
    .map_err(|e| match e {
        ShipInputError::Invalid(e) => e.into(),
        ShipInputError::Incomplete => ApiError::Unprocessable {
            code: "incomplete_tracking",
            message: e.to_string(),
        },
    })
}

/// Sends the token the order's FulfilOrder step waits on, so the workflow
/// goes on to the shipped e-mail. Sending it again (a retried request) is
/// harmless: a closed token counts as reported.
async fn resume_workflow(app: &App, shipped: &FulfilmentOrder) -> Result<(), ApiError> {
    match &shipped.token {
        Some(token) => {
            crate::workflow::task_succeeded(app, token, &shipped_output(&shipped.order)).await?;
        }
        None => tracing::warn!(
            order_id = %shipped.order.order_id,
            "a shipped order from the queue has no fulfilment token"
        ),
    }
    Ok(())
}

fn order_shipped(order: &crate::domain::order::Order) -> ApiError {
    let with = order
        .shipment
        .as_ref()
        .map(|s| format!(" with {} {}", s.carrier, s.tracking_number))
        .unwrap_or_default();
    ApiError::conflict(
        "order_shipped",
        format!("the order is {}{with}", order.status.as_str()),
    )
}

/// `POST /admin/orders/{orderId}/ship`: staff ship an order from the
/// fulfilment queue, with the shop's carrier (booked here, as the automatic
/// step does) or with another carrier's tracking number. The stock is
/// committed and the order marked SHIPPED in one transaction conditional on
/// it still waiting, then the stored token resumes the workflow.
///
/// If the request stops between that transaction and the token (a crash, a
/// timeout), the order is SHIPPED and its workflow still waits. Retrying
/// the request then finds the order SHIPPED with its token and sends the
/// token again (answering 200 when the retry describes the same parcel), so
/// a retry always completes it.
pub async fn ship(app: &App, request: Request) -> Result<HttpResponse, ApiError> {
    require_admin(&request)?;
    let order_id = path_param(&request, "orderId")?;
    if uuid::Uuid::parse_str(&order_id).is_err() {
        return Err(ApiError::NotFound("order"));
    }
    let ship_with = ship_with(&request)?;
    let store = app.store();
    // Twice at most: a second read only follows a write that lost to a
    // change of status, and no status leads back to AWAITING_FULFILMENT.
    for _ in 0..2 {
        let found = store
            .get_order_for_fulfilment(&order_id)
            .await?
            .ok_or(ApiError::NotFound("order"))?;
        let order = &found.order;
        match order.status {
            OrderStatus::AwaitingFulfilment => {}
            OrderStatus::Shipped if found.token.is_some() => {
                // Shipped from the queue before: a retry, or a colleague.
                resume_workflow(app, &found).await?;
                let same = order
                    .shipment
                    .as_ref()
                    .is_some_and(|s| ship_with.matches(s));
                return if same {
                    Ok(json(StatusCode::OK, &AdminOrderView::of(found.order, &app.config)))
                } else {
                    Err(order_shipped(order))
                };
            }
            OrderStatus::Shipped
            | OrderStatus::Delivered
            | OrderStatus::PartiallyRefunded
            | OrderStatus::Refunded => return Err(order_shipped(order)),
            OrderStatus::Cancelled | OrderStatus::Rejected | OrderStatus::PaymentFailed => {
                return Err(ApiError::conflict(
                    "order_closed",
                    format!("the order is {}", order.status.as_str()),
                ))
            }
            OrderStatus::Pending
            | OrderStatus::Backordered
            | OrderStatus::Reserved
            | OrderStatus::Paid => {
                return Err(ApiError::conflict(
                    "not_awaiting_fulfilment",
                    format!(
                        "the order is {}; only an order in the fulfilment queue (AWAITING_FULFILMENT) can be shipped",
                        order.status.as_str()
                    ),
                ))
            }
        }
        let now = now_rfc3339();
        let shipment = match ship_with.other_carrier_shipment(&now) {
            Some(shipment) => shipment,
            None => match app.carrier.create_shipment(order, &now).await {
                Ok(shipment) => shipment,
                Err(CarrierError::Rejected(reason)) => {
                    return Err(ApiError::conflict(
                        "shipment_refused",
                        format!("{reason}; the order stays in the fulfilment queue"),
                    ))
                }
            },
        };
        match store.commit_stock_and_ship(order, &shipment, &now).await {
            Ok(()) => {
                tracing::info!(%order_id, tracking = %shipment.tracking_number, "shipped from the queue");
                // Read again for the newest token: a FulfilOrder retried
                // after a timeout may have replaced it since the first read.
                let shipped = store
                    .get_order_for_fulfilment(&order_id)
                    .await?
                    .ok_or(ApiError::NotFound("order"))?;
                resume_workflow(app, &shipped).await?;
                return Ok(json(
                    StatusCode::OK,
                    &AdminOrderView::of(shipped.order, &app.config),
                ));
            }
            // Cancelled or shipped by someone else meanwhile: decide again.
            Err(StepWriteError::NotApplicable(_)) => continue,
            Err(StepWriteError::Unexpected(e)) => return Err(e.into()),
        }
    }
    Err(ApiError::Unexpected(anyhow::anyhow!(
        "order {order_id} waits for fulfilment but its stock could not be committed"
    )))
}
