//! `create-promotion`: see `shared::api::Endpoint::CreatePromotion`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::create_promotion().await
}
