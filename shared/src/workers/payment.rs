//! ChargePayment and its compensation RefundPayment. Idempotent on the
//! order: the payment record decides, and the gateway gets an idempotency
//! key per (order, operation), so a repeated step never charges or refunds
//! twice.

use super::{load_order, StepMessage};
use crate::domain::now_rfc3339;
use crate::domain::order::{OrderStatus, PaymentRecord, PaymentStatus};
use crate::payments::{ChargeRequest, PaymentError};
use crate::store::workflow_steps::StepWriteError;
use crate::workflow::{task_failed, task_succeeded};
use crate::App;

/// Error names the state machine's `Retry`/`Catch` match.
pub const PAYMENT_DECLINED: &str = "PaymentDeclined";
pub const GATEWAY_UNAVAILABLE: &str = "PaymentGatewayUnavailable";
pub const NOT_PAYABLE: &str = "OrderNotPayable";

#[tracing::instrument(skip_all, fields(order_id = %message.order_id))]
pub async fn charge_payment(app: &App, message: StepMessage) -> anyhow::Result<()> {
    let order = load_order(app, &message.order_id).await?;
    let token = &message.task_token;
    let output = serde_json::json!({ "orderId": order.order_id, "status": "PAID" });
    match (&order.status, &order.payment_record) {
        (
            OrderStatus::Paid
            | OrderStatus::AwaitingFulfilment
            | OrderStatus::Shipped
            | OrderStatus::Delivered,
            _,
        ) => {
            task_succeeded(app, token, &output).await?;
            return Ok(());
        }
        (OrderStatus::Reserved, Some(p)) if p.status == PaymentStatus::Declined => {
            let reason = p.decline_code.clone().unwrap_or_else(|| "declined".into());
            task_failed(app, token, PAYMENT_DECLINED, &reason).await?;
            return Ok(());
        }
        (OrderStatus::Reserved, _) => {}
        (other, _) => {
            task_failed(
                app,
                token,
                NOT_PAYABLE,
                &format!("the order is {}", other.as_str()),
            )
            .await?;
            return Ok(());
        }
    }
    let request = ChargeRequest {
        order_id: &order.order_id,
        amount: &order.total,
        method_token: &order.payment.method_token,
        idempotency_key: format!("charge-{}", order.order_id),
    };
    let now = now_rfc3339();
    match app.payments.charge(&request).await {
        Ok(charge) => {
            let record = PaymentRecord::captured(
                charge.provider,
                charge.payment_id,
                charge.method.method_type,
                charge.method.brand,
                charge.method.last4,
                charge.amount,
                &now,
            );
            match reconcile_capture(app, &order.order_id, &record).await? {
                Capture::Recorded | Capture::AlreadyRecorded => {
                    tracing::info!("payment captured");
                    task_succeeded(app, token, &output).await?;
                }
                Capture::RefundedLate(status) => {
                    task_failed(
                        app,
                        token,
                        NOT_PAYABLE,
                        &format!(
                            "the order became {} while it was being charged; the charge was refunded",
                            status.as_str()
                        ),
                    )
                    .await?;
                }
            }
        }
        Err(PaymentError::Declined { code, message: why }) => {
            let record = PaymentRecord::declined(
                app.payments.provider(),
                None,
                order.total.clone(),
                code.clone(),
                &now,
            );
            match app
                .store()
                .record_decline(&order.order_id, &record, &now)
                .await
            {
                Ok(_) | Err(StepWriteError::NotApplicable(_)) => {}
                Err(StepWriteError::Unexpected(e)) => return Err(e),
            }
            tracing::info!(%code, "payment declined");
            task_failed(app, token, PAYMENT_DECLINED, &format!("{code}: {why}")).await?;
        }
        Err(PaymentError::Unavailable(e)) => {
            tracing::warn!(error = ?e, "payment gateway unavailable");
            task_failed(
                app,
                token,
                GATEWAY_UNAVAILABLE,
                "the payment gateway is unavailable",
            )
            .await?;
        }
    }
    Ok(())
}

/// What became of a capture the gateway made.
#[derive(Debug, PartialEq, Eq)]
pub enum Capture {
    /// The order moved RESERVED → PAID with it.
    Recorded,
    /// The order already had it (an earlier delivery, or the charge step).
    AlreadyRecorded,
    /// The order had been cancelled or had failed meanwhile: the capture
    /// was recorded and refunded.
    RefundedLate(OrderStatus),
}

/// Records a capture of the order's payment, wherever the order stands,
/// so money is never taken without an order to show for it: a RESERVED
/// order becomes PAID; a cancelled or failed one is refunded; a second,
/// different capture for an order that has one is refunded on its own.
pub async fn reconcile_capture(
    app: &App,
    order_id: &str,
    record: &PaymentRecord,
) -> anyhow::Result<Capture> {
    let store = app.store();
    let now = now_rfc3339();
    let current = match store.record_charge(order_id, record, &now).await {
        Ok(_) => return Ok(Capture::Recorded),
        Err(StepWriteError::NotApplicable(current)) => current,
        Err(StepWriteError::Unexpected(e)) => return Err(e),
    };
    let known = current
        .payment_record
        .as_ref()
        .filter(|p| matches!(p.status, PaymentStatus::Captured | PaymentStatus::Refunded));
    match known {
        Some(p) if p.payment_id == record.payment_id => return Ok(Capture::AlreadyRecorded),
        Some(_) => {
            // A second capture for one order: give it back on its own.
            let payment_id = record
                .payment_id
                .as_deref()
                .ok_or_else(|| anyhow::anyhow!("a capture of {order_id} has no id"))?;
            app.payments
                .refund(payment_id, &record.amount, &format!("refund-{payment_id}"))
                .await
                .map_err(|e| anyhow::anyhow!("refunding a second capture of {order_id}: {e}"))?;
            tracing::warn!(%order_id, %payment_id, "a second capture was refunded");
            return Ok(Capture::AlreadyRecorded);
        }
        None => {}
    }
    if !matches!(
        current.status,
        OrderStatus::Cancelled | OrderStatus::PaymentFailed | OrderStatus::Rejected
    ) {
        anyhow::bail!(
            "a capture for order {order_id}, which is {}",
            current.status.as_str()
        );
    }
    let recorded = match store
        .record_capture_after_cancel(order_id, record, &now)
        .await
    {
        Ok(order) => order,
        Err(StepWriteError::NotApplicable(order)) => *order,
        Err(StepWriteError::Unexpected(e)) => return Err(e),
    };
    refund_order(app, &recorded).await?;
    tracing::warn!(%order_id, status = current.status.as_str(), "a late capture was refunded");
    Ok(Capture::RefundedLate(current.status))
}

/// Compensation: refunds a captured payment in full, once.
#[tracing::instrument(skip_all, fields(order_id = %message.order_id))]
pub async fn refund_payment(app: &App, message: StepMessage) -> anyhow::Result<()> {
    let order = load_order(app, &message.order_id).await?;
    refund_order(app, &order).await?;
    let output = serde_json::json!({ "orderId": order.order_id });
    task_succeeded(app, &message.task_token, &output).await?;
    Ok(())
}

/// Refunds the order's captured payment in full, once; nothing when
/// nothing was captured or it was refunded already.
pub async fn refund_order(app: &App, order: &crate::domain::order::Order) -> anyhow::Result<()> {
    let Some(payment) = order
        .payment_record
        .clone()
        .filter(|p| p.status == PaymentStatus::Captured)
    else {
        return Ok(());
    };
    let payment_id = payment
        .payment_id
        .clone()
        .ok_or_else(|| anyhow::anyhow!("captured payment of {} has no id", order.order_id))?;
    // What a refund made elsewhere (the gateway's dashboard) gave back
    // already is not refunded twice.
    let already = payment.refunded.as_ref().map_or(0, |m| m.amount);
    let remaining = crate::domain::money::Money {
        amount: payment.amount.amount - already,
        currency: payment.amount.currency.clone(),
    };
    let refund_id = if remaining.amount > 0 {
        let refund = app
            .payments
            .refund(
                &payment_id,
                &remaining,
                &format!("refund-{}", order.order_id),
            )
            .await
            .map_err(|e| anyhow::anyhow!("refunding order {}: {e}", order.order_id))?;
        Some(refund.refund_id)
    } else {
        payment.refund_id.clone()
    };
    let now = now_rfc3339();
    let record = PaymentRecord {
        status: PaymentStatus::Refunded,
        refund_id,
        refunded: Some(payment.amount.clone()),
        updated_at: now.clone(),
        ..payment
    };
    match app
        .store()
        .record_refund(&order.order_id, &record, &now)
        .await
    {
        Ok(_) | Err(StepWriteError::NotApplicable(_)) => {}
        Err(StepWriteError::Unexpected(e)) => return Err(e),
    }
    tracing::info!(order_id = %order.order_id, "payment refunded");
    Ok(())
}
