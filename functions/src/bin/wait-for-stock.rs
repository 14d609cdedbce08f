//! `wait-for-stock`: a workflow step (SQS); see `shared::workers::Worker::WaitForStock`.

// The worker future nests deeply (SDK calls inside the runtime loop).
#![recursion_limit = "256"]

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::workers::serve::wait_for_stock().await
}
