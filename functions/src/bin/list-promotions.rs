//! `list-promotions`: see `shared::api::Endpoint::ListPromotions`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::list_promotions().await
}
