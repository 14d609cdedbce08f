//! `add-cart-item`: see `shared::api::Endpoint::AddCartItem`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::add_cart_item().await
}
