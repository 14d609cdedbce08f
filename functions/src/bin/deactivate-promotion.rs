//! `deactivate-promotion`: see `shared::api::Endpoint::DeactivatePromotion`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::deactivate_promotion().await
}
