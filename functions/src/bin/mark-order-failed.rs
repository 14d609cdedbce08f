//! `mark-order-failed`: a workflow step (SQS); see `shared::workers::Worker::MarkOrderFailed`.

// The worker future nests deeply (SDK calls inside the runtime loop).
#![recursion_limit = "256"]

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::workers::serve::mark_order_failed().await
}
