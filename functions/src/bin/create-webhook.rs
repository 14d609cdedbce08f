//! `create-webhook`: see `shared::api::Endpoint::CreateWebhook`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::create_webhook().await
}
