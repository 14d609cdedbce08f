//! `get-shop-settings`: see `shared::api::Endpoint::GetShopSettings`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::get_shop_settings().await
}
