//! `deliver-webhook`: attempts webhook deliveries (SQS); see `shared::webhooks::deliveries`.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::workers::run(shared::workers::Worker::DeliverWebhook).await
}
