//! `adjust-stock`: see `shared::api::Endpoint::AdjustStock`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::adjust_stock().await
}
