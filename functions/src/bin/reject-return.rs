//! `reject-return`: see `shared::api::Endpoint::RejectReturn`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::reject_return().await
}
