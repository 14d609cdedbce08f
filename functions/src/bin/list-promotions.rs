//! `list-promotions`: see `shared::api::Endpoint::ListPromotions`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::list_promotions().await
}
