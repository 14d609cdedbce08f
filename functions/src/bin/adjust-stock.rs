//! `adjust-stock`: see `shared::api::Endpoint::AdjustStock`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::adjust_stock().await
}
