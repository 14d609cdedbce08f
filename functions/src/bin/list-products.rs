//! `list-products`: see `shared::api::Endpoint::ListProducts`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::run(shared::api::Endpoint::ListProducts).await
}
