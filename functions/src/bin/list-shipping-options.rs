//! `list-shipping-options`: see `shared::api::Endpoint::ListShippingOptions`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::list_shipping_options().await
}
