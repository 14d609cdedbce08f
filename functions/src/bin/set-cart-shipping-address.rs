//! `set-cart-shipping-address`: see `shared::api::Endpoint::SetCartShippingAddress`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::set_cart_shipping_address().await
}
