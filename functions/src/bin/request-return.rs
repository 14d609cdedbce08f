//! `request-return`: see `shared::api::Endpoint::RequestReturn`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::request_return().await
}
