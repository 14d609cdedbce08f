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

/// Starts the order's workflow; the order id is the execution name, so a
/// repeat start of the same order never runs it twice.
pub async fn start_order_workflow(app: &App, order_id: &str) -> anyhow::Result<()> {
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
        Ok(_) => Ok(()),
        Err(e)
            if matches!(
                e.as_service_error(),
                Some(StartExecutionError::ExecutionAlreadyExists(_))
            ) =>
        {
            Ok(())
        }
        Err(e) => Err(anyhow::anyhow!(
            "starting the workflow of order {order_id}: {}",
            DisplayErrorContext(&e)
        )),
    }
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
