//! `deliver-webhook`: attempts webhook deliveries (SQS); see `shared::webhooks::deliveries`.

// The worker future nests deeply (SDK calls inside the runtime loop).
#![recursion_limit = "256"]

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::workers::serve::deliver_webhook().await
}
