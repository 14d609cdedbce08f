//! `request-return`: see `shared::api::Endpoint::RequestReturn`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::request_return().await
}
