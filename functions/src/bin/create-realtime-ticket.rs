//! `create-realtime-ticket`: see `shared::api`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::create_realtime_ticket().await
}
