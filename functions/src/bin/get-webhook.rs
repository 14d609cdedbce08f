//! `get-webhook`: see `shared::api::Endpoint::GetWebhook`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::get_webhook().await
}
