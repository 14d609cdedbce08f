//! Backorders: an order short of a product that allows backorders waits in
//! BACKORDERED, holding nothing. Its workflow waits on a task token the
//! WaitForStock worker stores on the order (no polling); receiving stock
//! resumes the waiting orders that contain the SKU, oldest first, as far as
//! the new stock goes, by reserving them and sending their stored tokens.

use super::{load_order, StepMessage};
use crate::domain::now_rfc3339;
use crate::domain::order::{Order, OrderStatus};
use crate::domain::product::Sku;
use crate::store::orders::ReserveError;
use crate::store::workflow_steps::StepWriteError;
use crate::workflow::{task_failed, task_succeeded};
use crate::App;

/// The error the state machine's `Catch` sees when a waiting order was
/// cancelled.
pub const ORDER_CANCELLED: &str = "OrderCancelled";

fn reserved_output(order_id: &str) -> serde_json::Value {
    serde_json::json!({ "orderId": order_id, "status": "RESERVED" })
}

/// WaitForStock: stores the token on a BACKORDERED order and answers
/// nothing until stock arrives; answers at once if the order was resumed
/// or cancelled meanwhile.
#[tracing::instrument(skip_all, fields(order_id = %message.order_id))]
pub async fn wait_for_stock(app: &App, message: StepMessage) -> anyhow::Result<()> {
    let order = load_order(app, &message.order_id).await?;
    let store = app.store();
    let current = if order.status == OrderStatus::Backordered {
        match store
            .hold_backorder(&order.order_id, &message.task_token, &now_rfc3339())
            .await
        {
            Ok(held) => {
                tracing::info!("waiting for stock");
                // Stock may have arrived between the reservation that found
                // it short and now: resume the queue for its SKUs (oldest
                // first, so this order never jumps an earlier one).
                for line in &held.lines {
                    resume_backorders(app, &line.sku).await?;
                }
                return Ok(());
            }
            Err(StepWriteError::NotApplicable(current)) => *current,
            Err(StepWriteError::Unexpected(e)) => return Err(e),
        }
    } else {
        order
    };
    answer_from_status(app, &current, &message.task_token).await
}

/// Reports a wait that is already decided by the order's status.
async fn answer_from_status(app: &App, order: &Order, token: &str) -> anyhow::Result<()> {
    match order.status {
        OrderStatus::Backordered => anyhow::bail!("order {} is still waiting", order.order_id),
        OrderStatus::Pending => anyhow::bail!("order {} was never reserved", order.order_id),
        OrderStatus::Cancelled | OrderStatus::Rejected | OrderStatus::PaymentFailed => {
            task_failed(
                app,
                token,
                ORDER_CANCELLED,
                &format!(
                    "the order was {} while waiting for stock",
                    order.status.as_str()
                ),
            )
            .await?;
        }
        _ => {
            task_succeeded(app, token, &reserved_output(&order.order_id)).await?;
        }
    }
    Ok(())
}

enum Resume {
    Reserved,
    /// These SKUs are still short.
    Short(Vec<Sku>),
    /// No longer waiting (resumed or cancelled by someone else).
    Skipped,
}

/// Reserves a waiting order if its stock is all there now, and sends the
/// token it waits on.
async fn try_resume(app: &App, order: &Order) -> anyhow::Result<Resume> {
    match app.store().reserve_stock(order, &now_rfc3339()).await {
        Ok(reserved) => {
            tracing::info!(order_id = %order.order_id, "backorder resumed");
            crate::inventory::refresh_low_stock(
                app,
                order.lines.iter().map(|l| l.sku.clone()).collect(),
            )
            .await;
            // Without a token yet, the WaitForStock worker finds the order
            // RESERVED and answers itself.
            if let Some(token) = reserved.backorder_token.as_deref() {
                task_succeeded(app, token, &reserved_output(&order.order_id)).await?;
            }
            Ok(Resume::Reserved)
        }
        Err(ReserveError::Short(skus)) => Ok(Resume::Short(skus)),
        Err(ReserveError::AlreadyDecided(_)) => Ok(Resume::Skipped),
        Err(ReserveError::Unexpected(e)) => Err(e),
    }
}

/// Resumes the orders waiting for `sku`, oldest first, as far as its stock
/// goes: stops at the first that is still short of it (so a later, smaller
/// order never jumps the queue), and passes over orders that wait only for
/// other SKUs. Returns the ids of the orders resumed.
pub async fn resume_backorders(app: &App, sku: &Sku) -> anyhow::Result<Vec<String>> {
    let mut resumed = Vec::new();
    for order in app.store().list_backorders().await? {
        if !order.lines.iter().any(|l| &l.sku == sku) {
            continue;
        }
        match try_resume(app, &order).await? {
            Resume::Reserved => resumed.push(order.order_id.clone()),
            Resume::Short(skus) if skus.contains(sku) => break,
            Resume::Short(_) | Resume::Skipped => {}
        }
    }
    Ok(resumed)
}
