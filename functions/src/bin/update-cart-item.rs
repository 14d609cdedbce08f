//! `update-cart-item`: see `shared::api::Endpoint::UpdateCartItem`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::update_cart_item().await
}
