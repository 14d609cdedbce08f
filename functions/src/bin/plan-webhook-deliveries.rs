//! `plan-webhook-deliveries`: plans each domain event's webhook deliveries (SQS, fed by an EventBridge rule); see `shared::webhooks::deliveries`.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::workers::run(shared::workers::Worker::PlanWebhookDeliveries).await
}
