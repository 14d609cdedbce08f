//! `create-shipping-option`: see `shared::api::Endpoint::CreateShippingOption`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::create_shipping_option().await
}
