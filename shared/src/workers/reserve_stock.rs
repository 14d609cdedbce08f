//! ReserveStock: hold every line of an order in one transaction; or, when
//! lines are short, put the order on backorder (every short product allows
//! it) or reject it naming the short SKUs. Idempotent on (order id, step): the
//! order's status decides, so a repeated delivery or a Step Functions retry
//! (which brings a new token) reports the first outcome again without
//! touching stock.

use super::StepMessage;
use crate::domain::now_rfc3339;
use crate::domain::order::OrderStatus;
use crate::store::orders::{ReserveError, TransitionError};
use crate::store::Store;
use crate::workflow::{task_failed, task_succeeded};
use crate::App;

/// The error name the state machine's `Catch` matches for a shortage.
pub const OUT_OF_STOCK: &str = "OutOfStock";

/// What the reservation came to.
enum Outcome {
    Reserved,
    /// Short only of products that allow backorders: the order waits.
    Backordered,
    Rejected(String),
}

#[tracing::instrument(skip_all, fields(order_id = %message.order_id))]
pub async fn reserve_stock(app: &App, message: StepMessage) -> anyhow::Result<()> {
    let store = app.store();
    let order = store
        .get_order(&message.order_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("order {} does not exist", message.order_id))?;
    let outcome = match order.status {
        OrderStatus::Pending => match store.reserve_stock(&order, &now_rfc3339()).await {
            Ok(_) => Outcome::Reserved,
            Err(ReserveError::Short(skus)) => {
                let products = store.get_products(&skus).await?;
                let backorderable = skus.iter().all(|sku| {
                    products
                        .get(sku)
                        .is_some_and(|p| p.allow_backorder && p.active)
                });
                let reason = ReserveError::Short(skus).to_string();
                let (to, why) = if backorderable {
                    (
                        OrderStatus::Backordered,
                        reason.replace("out of stock", "waiting for stock"),
                    )
                } else {
                    (OrderStatus::Rejected, reason)
                };
                match store
                    .transition_order(&order.order_id, to, Some(why.clone()), &now_rfc3339())
                    .await
                {
                    Ok(_) if backorderable => Outcome::Backordered,
                    Ok(_) => Outcome::Rejected(why),
                    // A concurrent delivery decided first; report what it decided.
                    Err(TransitionError::NotAllowed { current, .. }) => {
                        decided(&store, &order.order_id, current).await?
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            Err(ReserveError::AlreadyDecided(current)) => {
                decided(&store, &order.order_id, current).await?
            }
            Err(ReserveError::Unexpected(e)) => return Err(e),
        },
        current => decided(&store, &order.order_id, current).await?,
    };
    let callback = match outcome {
        Outcome::Reserved => {
            crate::inventory::refresh_low_stock(
                app,
                order.lines.iter().map(|l| l.sku.clone()).collect(),
            )
            .await;
            let output = serde_json::json!({ "orderId": order.order_id, "status": "RESERVED" });
            task_succeeded(app, &message.task_token, &output).await?
        }
        Outcome::Backordered => {
            let output = serde_json::json!({ "orderId": order.order_id, "status": "BACKORDERED" });
            task_succeeded(app, &message.task_token, &output).await?
        }
        Outcome::Rejected(reason) => {
            super::compensation::return_promotion_use(app, &order.order_id).await?;
            task_failed(app, &message.task_token, OUT_OF_STOCK, &reason).await?
        }
    };
    tracing::info!(?callback, "reserve stock reported");
    Ok(())
}

/// The outcome of an order whose reservation was already decided.
async fn decided(store: &Store, order_id: &str, status: OrderStatus) -> anyhow::Result<Outcome> {
    Ok(match status {
        OrderStatus::Pending => anyhow::bail!("order {order_id} is still pending"),
        OrderStatus::Backordered => Outcome::Backordered,
        OrderStatus::Rejected => {
            let order = store.get_order(order_id).await?;
            let reason = order
                .and_then(|o| {
                    o.status_history
                        .iter()
                        .rev()
                        .find(|c| c.status == OrderStatus::Rejected)
                        .and_then(|c| c.reason.clone())
                })
                .unwrap_or_else(|| "out of stock".into());
            Outcome::Rejected(reason)
        }
        // Reserved, or already further along: the reservation happened.
        _ => Outcome::Reserved,
    })
}
