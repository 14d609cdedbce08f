//! `change-shipping-address`: see `shared::api::Endpoint::ChangeShippingAddress`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::change_shipping_address().await
}
