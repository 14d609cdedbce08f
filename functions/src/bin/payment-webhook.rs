//! `payment-webhook`: see `shared::api::Endpoint::PaymentWebhook`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::payment_webhook().await
}
