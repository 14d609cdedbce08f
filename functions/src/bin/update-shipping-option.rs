//! `update-shipping-option`: see `shared::api::Endpoint::UpdateShippingOption`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::update_shipping_option().await
}
