//! `deactivate-shipping-option`: see `shared::api::Endpoint::DeactivateShippingOption`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::deactivate_shipping_option().await
}
