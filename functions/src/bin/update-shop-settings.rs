//! `update-shop-settings`: see `shared::api::Endpoint::UpdateShopSettings`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::update_shop_settings().await
}
