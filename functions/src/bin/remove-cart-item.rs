//! `remove-cart-item`: see `shared::api::Endpoint::RemoveCartItem`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::remove_cart_item().await
}
