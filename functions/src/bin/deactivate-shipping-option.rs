//! `deactivate-shipping-option`: see `shared::api::Endpoint::DeactivateShippingOption`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::deactivate_shipping_option().await
}
