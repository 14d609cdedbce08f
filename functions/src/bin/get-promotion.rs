//! `get-promotion`: see `shared::api::Endpoint::GetPromotion`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::get_promotion().await
}
