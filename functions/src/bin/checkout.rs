//! `checkout`: see `shared::api::Endpoint::Checkout`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::checkout().await
}
