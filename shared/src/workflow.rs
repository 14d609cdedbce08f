//! The Step Functions adapter: starting the order workflow and closing the
//! callback tasks that hand work to the SQS workers.

use aws_sdk_sfn::error::{DisplayErrorContext, SdkError};
use aws_sdk_sfn::operation::send_task_failure::SendTaskFailureError;
use aws_sdk_sfn::operation::send_task_success::SendTaskSuccessError;
use aws_sdk_sfn::operation::start_execution::StartExecutionError;

use crate::App;

/// What became of a task callback.
#[derive(Debug, PartialEq, Eq)]
pub enum Callback {
    Delivered,
    /// The token was already closed (timed out, or answered by an earlier
    /// delivery): the step's outcome is already known to the workflow.
    AlreadyClosed,
}

/// What a start of an order's workflow found.
#[derive(Debug, PartialEq, Eq)]
pub enum Start {
    Started,
    /// An execution of this order was started before (it may have ended).
    AlreadyStarted,
}

/// Starts the order's workflow; the order id is the execution name, so a
/// repeat start of the same order never runs it twice.
pub async fn start_order_workflow(app: &App, order_id: &str) -> anyhow::Result<Start> {
    let input = serde_json::json!({ "orderId": order_id }).to_string();
    let result = app
        .sfn
        .start_execution()
        .state_machine_arn(&app.config.order_workflow_arn)
        .name(order_id)
        .input(input)
        .send()
        .await;
    match result {
        Ok(_) => Ok(Start::Started),
        Err(e)
            if matches!(
                e.as_service_error(),
                Some(StartExecutionError::ExecutionAlreadyExists(_))
            ) =>
        {
            Ok(Start::AlreadyStarted)
        }
        Err(e) => Err(anyhow::anyhow!(
            "starting the workflow of order {order_id}: {}",
            DisplayErrorContext(&e)
        )),
    }
}

/// What a sweep for stranded orders did.
#[derive(Debug, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sweep {
    /// PENDING orders older than the grace period.
    pub pending: usize,
    /// The ones whose workflow had never started, started now.
    pub started: Vec<String>,
}

/// Starts the workflow of every order that is still PENDING
/// `STRANDED_ORDER_GRACE_SECONDS` after it was placed. Checkout commits the
/// order and then starts its workflow; a function that dies between the two
/// (or a `StartExecution` that fails while the customer never retries)
/// leaves an order that holds no stock and that nothing would move. Such
/// orders are found on the `ByStatus` index and started with the order id
/// as the execution name, as checkout does, so an order whose workflow runs
/// (waiting at its first step) is left as it is.
pub async fn start_stranded_orders(app: &App) -> anyhow::Result<Sweep> {
    let grace = chrono::Duration::seconds(app.config.stranded_order_grace_seconds);
    let cutoff = (chrono::Utc::now() - grace).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let filter = crate::store::orders::OrderFilter {
        status: Some(crate::domain::order::OrderStatus::Pending),
        to: Some(cutoff),
        ..Default::default()
    };
    let store = app.store();
    let mut sweep = Sweep::default();
    let mut cursor = None;
    loop {
        let page = store
            .list_orders(&filter, 100, cursor.as_deref())
            .await
            .map_err(|e| anyhow::anyhow!("listing pending orders: {e}"))?;
        for order in page.items {
            sweep.pending += 1;
            if start_order_workflow(app, &order.order_id).await? == Start::Started {
                tracing::warn!(order_id = %order.order_id, placed = %order.created_at,
                    "started the workflow of a stranded order");
                sweep.started.push(order.order_id);
            }
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(sweep)
}

/// The scheduled sweeper's whole `main`: each EventBridge invocation runs
/// one sweep.
pub async fn run_stranded_order_sweep() -> Result<(), lambda_runtime::Error> {
    crate::app::run_scheduled(start_stranded_orders).await
}

/// Reports a step's success with its output.
pub async fn task_succeeded(
    app: &App,
    token: &str,
    output: &serde_json::Value,
) -> anyhow::Result<Callback> {
    let result = app
        .sfn
        .send_task_success()
        .task_token(token)
        .output(output.to_string())
        .send()
        .await;
    callback(result, "success", |e| {
        matches!(
            e,
            SendTaskSuccessError::TaskTimedOut(_)
                | SendTaskSuccessError::InvalidToken(_)
                | SendTaskSuccessError::TaskDoesNotExist(_)
        )
    })
}

/// Reports a step's failure with an error name `Retry`/`Catch` can match.
pub async fn task_failed(
    app: &App,
    token: &str,
    error: &str,
    cause: &str,
) -> anyhow::Result<Callback> {
    let result = app
        .sfn
        .send_task_failure()
        .task_token(token)
        .error(error)
        .cause(cause)
        .send()
        .await;
    callback(result, "failure", |e| {
        matches!(
            e,
            SendTaskFailureError::TaskTimedOut(_)
                | SendTaskFailureError::InvalidToken(_)
                | SendTaskFailureError::TaskDoesNotExist(_)
        )
    })
}

/// The outcome of a callback: delivered, or the token was already closed
/// (`closed` tells which service errors mean that), or a fault.
fn callback<O, E, R>(
    result: Result<O, SdkError<E, R>>,
    what: &str,
    closed: impl Fn(&E) -> bool,
) -> anyhow::Result<Callback>
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(Callback::Delivered),
        Err(e) if e.as_service_error().is_some_and(&closed) => Ok(Callback::AlreadyClosed),
        Err(e) => Err(anyhow::anyhow!(
            "reporting a step's {what}: {}",
            DisplayErrorContext(&e)
        )),
    }
}
