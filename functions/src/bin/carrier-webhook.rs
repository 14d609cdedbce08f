//! `carrier-webhook`: see `shared::api::Endpoint::CarrierWebhook`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::carrier_webhook().await
}
