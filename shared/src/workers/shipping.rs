//! Fulfil (book the carrier, commit the stock, mark SHIPPED; or, when the
//! shop fulfils by hand, put the order in the fulfilment queue and wait)
//! and the customer e-mails of the workflow.

use super::backorders::ORDER_CANCELLED;
use super::{load_order, StepMessage};
use crate::domain::now_rfc3339;
use crate::domain::order::{Order, OrderStatus};
use crate::domain::settings::FulfilmentMode;
use crate::fulfilment::CarrierError;
use crate::notifications::{notify, EmailKind};
use crate::store::orders::TransitionError;
use crate::store::workflow_steps::StepWriteError;
use crate::workflow::{task_failed, task_succeeded};
use crate::App;

pub const FULFILMENT_FAILED: &str = "FulfilmentFailed";
/// The error of the FulfilmentExpired step when it cancelled an order that
/// was never shipped.
pub const FULFILMENT_EXPIRED: &str = "FulfilmentExpired";

/// What FulfilOrder reports for a shipped order.
pub fn shipped_output(order: &Order) -> serde_json::Value {
    serde_json::json!({
        "orderId": order.order_id,
        "status": order.status,
        "trackingNumber": order.shipment.as_ref().map(|s| s.tracking_number.as_str()),
    })
}

/// FulfilOrder. The shop's fulfilment mode decides for a PAID order:
/// AUTOMATIC books the carrier and ships at once; MANUAL puts the order in
/// the fulfilment queue and answers nothing (the workflow waits on the
/// stored token until staff ship or cancel it). An order already in the
/// queue stays there whatever the mode says now. A message with `status:
/// CANCELLED` comes from the FulfilmentExpired state (see `expire`).
#[tracing::instrument(skip_all, fields(order_id = %message.order_id))]
pub async fn fulfil_order(app: &App, message: StepMessage) -> anyhow::Result<()> {
    if let Some(status) = message.status.as_deref() {
        if OrderStatus::parse(status) != Some(OrderStatus::Cancelled) {
            anyhow::bail!(
                "fulfil-order takes only status CANCELLED (an expired wait), got {status}"
            );
        }
        return expire(app, &message).await;
    }
    let order = load_order(app, &message.order_id).await?;
    let token = &message.task_token;
    match order.status {
        OrderStatus::Shipped
        | OrderStatus::Delivered
        | OrderStatus::PartiallyRefunded
        | OrderStatus::Refunded => {
            task_succeeded(app, token, &shipped_output(&order)).await?;
            return Ok(());
        }
        // A redelivered message, or the step retried with a new token
        // after a timeout: keep the newest token and go on waiting.
        OrderStatus::AwaitingFulfilment => return wait_in_queue(app, order, token).await,
        OrderStatus::Paid => {}
        other => {
            task_failed(
                app,
                token,
                FULFILMENT_FAILED,
                &format!("the order is {}", other.as_str()),
            )
            .await?;
            return Ok(());
        }
    }
    if app.settings().await?.fulfilment_mode == FulfilmentMode::Manual {
        return wait_in_queue(app, order, token).await;
    }
    let now = now_rfc3339();
    let shipment = match app.carrier.create_shipment(&order, &now).await {
        Ok(s) => s,
        Err(CarrierError::Rejected(reason)) => {
            tracing::info!(%reason, "carrier refused the shipment");
            task_failed(app, token, FULFILMENT_FAILED, &reason).await?;
            return Ok(());
        }
    };
    let store = app.store();
    match store.commit_stock_and_ship(&order, &shipment, &now).await {
        Ok(()) => tracing::info!(tracking = %shipment.tracking_number, "shipped"),
        Err(StepWriteError::NotApplicable(current)) if current.status == OrderStatus::Shipped => {}
        Err(StepWriteError::NotApplicable(current)) if current.status == order.status => {
            // Still waiting to ship: the customer changed the address after
            // the booking. Fail the message so it is delivered again and
            // books the parcel to the new address.
            anyhow::bail!(
                "order {} changed while its parcel was booked; booking again",
                order.order_id
            );
        }
        Err(StepWriteError::NotApplicable(current)) => {
            task_failed(
                app,
                token,
                FULFILMENT_FAILED,
                &format!("the order is {}", current.status.as_str()),
            )
            .await?;
            return Ok(());
        }
        Err(StepWriteError::Unexpected(e)) => return Err(e),
    }
    let output = serde_json::json!({
        "orderId": order.order_id,
        "status": "SHIPPED",
        "trackingNumber": shipment.tracking_number,
    });
    task_succeeded(app, token, &output).await?;
    Ok(())
}

/// FulfilmentExpired: FulfilOrder timed out for the last time. Cancels the
/// order in one conditional write unless it shipped meanwhile, before any
/// compensation runs, so a shipped order is never refunded: a cancelled
/// order fails the step (the compensation then refunds, releases and tells
/// the customer), a shipped one succeeds (the customer is told it shipped).
async fn expire(app: &App, message: &StepMessage) -> anyhow::Result<()> {
    let reason = message
        .reason
        .clone()
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "the order was not shipped in time".into());
    let token = &message.task_token;
    let status = match app
        .store()
        .transition_order(
            &message.order_id,
            OrderStatus::Cancelled,
            Some(reason.clone()),
            &now_rfc3339(),
        )
        .await
    {
        Ok(order) => {
            tracing::info!(%reason, "not shipped in time: cancelled");
            order.status
        }
        Err(TransitionError::NotAllowed { current, .. }) => current,
        Err(e) => return Err(e.into()),
    };
    match status {
        OrderStatus::Shipped
        | OrderStatus::Delivered
        | OrderStatus::PartiallyRefunded
        | OrderStatus::Refunded => {
            let order = load_order(app, &message.order_id).await?;
            task_succeeded(app, token, &shipped_output(&order)).await?;
        }
        _ => {
            task_failed(app, token, FULFILMENT_EXPIRED, &reason).await?;
        }
    }
    Ok(())
}

/// MANUAL fulfilment: stores the token on the order in one conditional
/// write (PAID → AWAITING_FULFILMENT, or a newer token on an order already
/// waiting) and answers nothing. If the order moved on meanwhile, answers
/// from where it is: shipped is a success, cancelled a failure that runs
/// the workflow's compensation.
async fn wait_in_queue(app: &App, mut order: Order, token: &str) -> anyhow::Result<()> {
    let store = app.store();
    for _ in 0..3 {
        match order.status {
            OrderStatus::Paid | OrderStatus::AwaitingFulfilment => {}
            OrderStatus::Shipped
            | OrderStatus::Delivered
            | OrderStatus::PartiallyRefunded
            | OrderStatus::Refunded => {
                task_succeeded(app, token, &shipped_output(&order)).await?;
                return Ok(());
            }
            OrderStatus::Cancelled | OrderStatus::Rejected | OrderStatus::PaymentFailed => {
                task_failed(
                    app,
                    token,
                    ORDER_CANCELLED,
                    &format!(
                        "the order was {} while waiting for fulfilment",
                        order.status.as_str()
                    ),
                )
                .await?;
                return Ok(());
            }
            other => anyhow::bail!(
                "order {} is {}, not ready for fulfilment",
                order.order_id,
                other.as_str()
            ),
        }
        match store
            .hold_for_fulfilment(&order.order_id, token, order.status, &now_rfc3339())
            .await
        {
            Ok(_) => {
                tracing::info!("waiting in the fulfilment queue");
                return Ok(());
            }
            Err(StepWriteError::NotApplicable(current)) => order = *current,
            Err(StepWriteError::Unexpected(e)) => return Err(e),
        }
    }
    anyhow::bail!("order {} kept changing", order.order_id)
}

#[tracing::instrument(skip_all, fields(order_id = %message.order_id, kind = ?message.kind))]
pub async fn notify_customer(app: &App, message: StepMessage) -> anyhow::Result<()> {
    let kind = message
        .kind
        .as_deref()
        .and_then(EmailKind::parse)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "notify-customer needs a known e-mail kind, got {:?}",
                message.kind
            )
        })?;
    let order = load_order(app, &message.order_id).await?;
    notify(app, &order, kind, message.reason.as_deref()).await?;
    task_succeeded(
        app,
        &message.task_token,
        &serde_json::json!({ "orderId": order.order_id }),
    )
    .await?;
    Ok(())
}
