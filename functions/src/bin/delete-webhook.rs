//! `delete-webhook`: see `shared::api::Endpoint::DeleteWebhook`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::delete_webhook().await
}
