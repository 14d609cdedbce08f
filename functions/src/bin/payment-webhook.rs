//! `payment-webhook`: see `shared::api::Endpoint::PaymentWebhook`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::payment_webhook().await
}
