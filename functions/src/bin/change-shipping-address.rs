//! `change-shipping-address`: see `shared::api::Endpoint::ChangeShippingAddress`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::change_shipping_address().await
}
