//! `update-webhook`: see `shared::api::Endpoint::UpdateWebhook`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::update_webhook().await
}
