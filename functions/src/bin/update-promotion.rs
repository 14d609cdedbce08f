//! `update-promotion`: see `shared::api::Endpoint::UpdatePromotion`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::update_promotion().await
}
