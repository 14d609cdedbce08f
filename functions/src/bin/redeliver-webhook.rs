//! `redeliver-webhook`: see `shared::api::Endpoint::RedeliverWebhook`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::redeliver_webhook().await
}
