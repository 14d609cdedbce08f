//! `reject-return`: see `shared::api::Endpoint::RejectReturn`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::reject_return().await
}
