//! `set-cart-shipping-option`: see `shared::api::Endpoint::SetCartShippingOption`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::set_cart_shipping_option().await
}
