//! Compensation steps that put stock and status back to the truth: release
//! held stock, and mark the order with its real failure status. Each is
//! safe to run twice.

use super::{load_order, StepMessage};
use crate::domain::now_rfc3339;
use crate::domain::order::{OrderStatus, StockState};
use crate::store::orders::TransitionError;
use crate::store::workflow_steps::StepWriteError;
use crate::workflow::task_succeeded;
use crate::App;

/// Gives the order's held stock back to `available` (nothing if none is held).
#[tracing::instrument(skip_all, fields(order_id = %message.order_id))]
pub async fn release_stock(app: &App, message: StepMessage) -> anyhow::Result<()> {
    let order = load_order(app, &message.order_id).await?;
    release_order_stock(app, &order).await?;
    let output = serde_json::json!({ "orderId": order.order_id });
    task_succeeded(app, &message.task_token, &output).await?;
    Ok(())
}

/// Gives the order's held stock back, once; nothing if none is held.
pub async fn release_order_stock(
    app: &App,
    order: &crate::domain::order::Order,
) -> anyhow::Result<()> {
    if order.stock_state == StockState::Held {
        match app.store().release_stock(order, &now_rfc3339()).await {
            Ok(()) => {
                tracing::info!(order_id = %order.order_id, "stock released");
                crate::inventory::refresh_low_stock(
                    app,
                    order.lines.iter().map(|l| l.sku.clone()).collect(),
                )
                .await;
            }
            Err(StepWriteError::NotApplicable(_)) => {}
            Err(StepWriteError::Unexpected(e)) => return Err(e),
        }
    }
    Ok(())
}

/// Gives the promotion use of an order that ended without a sale back to
/// the promotion, once (nothing for an order in any other state).
pub async fn return_promotion_use(app: &App, order_id: &str) -> anyhow::Result<()> {
    let store = app.store();
    let Some(order) = store.get_order(order_id).await? else {
        return Ok(());
    };
    let ended = matches!(
        order.status,
        OrderStatus::Rejected | OrderStatus::PaymentFailed | OrderStatus::Cancelled
    );
    if ended && store.return_promotion_use(&order).await? {
        tracing::info!(%order_id, "promotion use returned");
    }
    Ok(())
}

/// Moves the order to PAYMENT_FAILED or CANCELLED with the reason.
#[tracing::instrument(skip_all, fields(order_id = %message.order_id))]
pub async fn mark_order_failed(app: &App, message: StepMessage) -> anyhow::Result<()> {
    let status = message
        .status
        .as_deref()
        .and_then(OrderStatus::parse)
        .filter(|s| matches!(s, OrderStatus::PaymentFailed | OrderStatus::Cancelled))
        .ok_or_else(|| {
            anyhow::anyhow!("mark-order-failed needs status PAYMENT_FAILED or CANCELLED")
        })?;
    let reason = message.reason.clone().filter(|r| !r.is_empty());
    match app
        .store()
        .transition_order(&message.order_id, status, reason, &now_rfc3339())
        .await
    {
        Ok(_) => tracing::info!(status = status.as_str(), "order marked"),
        // Already ended (the same failure, or a cancel that came first).
        Err(TransitionError::NotAllowed {
            current: OrderStatus::Cancelled | OrderStatus::PaymentFailed | OrderStatus::Rejected,
            ..
        }) => {}
        Err(TransitionError::NotAllowed { current, .. }) => {
            anyhow::bail!(
                "order {} is {}, not failable",
                message.order_id,
                current.as_str()
            )
        }
        Err(e) => return Err(e.into()),
    }
    return_promotion_use(app, &message.order_id).await?;
    task_succeeded(
        app,
        &message.task_token,
        &serde_json::json!({ "orderId": message.order_id }),
    )
    .await?;
    Ok(())
}
