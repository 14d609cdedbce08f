//! Fulfil (book the carrier, commit the stock, mark SHIPPED) and the
//! customer e-mails of the workflow.

use super::{load_order, StepMessage};
use crate::domain::now_rfc3339;
use crate::domain::order::OrderStatus;
use crate::fulfilment::CarrierError;
use crate::notifications::{notify, EmailKind};
use crate::store::workflow_steps::StepWriteError;
use crate::workflow::{task_failed, task_succeeded};
use crate::App;

pub const FULFILMENT_FAILED: &str = "FulfilmentFailed";

#[tracing::instrument(skip_all, fields(order_id = %message.order_id))]
pub async fn fulfil_order(app: &App, message: StepMessage) -> anyhow::Result<()> {
    let order = load_order(app, &message.order_id).await?;
    let token = &message.task_token;
    match order.status {
        OrderStatus::Shipped | OrderStatus::Delivered => {
            let output = serde_json::json!({ "orderId": order.order_id, "status": order.status });
            task_succeeded(app, token, &output).await?;
            return Ok(());
        }
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
