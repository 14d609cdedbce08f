//! `delete-webhook`: see `shared::api::Endpoint::DeleteWebhook`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::delete_webhook().await
}
