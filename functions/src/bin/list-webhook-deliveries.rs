//! `list-webhook-deliveries`: see `shared::api::Endpoint::ListWebhookDeliveries`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::list_webhook_deliveries().await
}
