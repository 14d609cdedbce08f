//! `rotate-webhook-secret`: see `shared::api::Endpoint::RotateWebhookSecret`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::rotate_webhook_secret().await
}
