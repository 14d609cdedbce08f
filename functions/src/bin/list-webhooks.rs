//! `list-webhooks`: see `shared::api::Endpoint::ListWebhooks`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::list_webhooks().await
}
