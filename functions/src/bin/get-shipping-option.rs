//! `get-shipping-option`: see `shared::api::Endpoint::GetShippingOption`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::get_shipping_option().await
}
