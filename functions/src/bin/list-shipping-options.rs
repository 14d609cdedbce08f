//! `list-shipping-options`: see `shared::api::Endpoint::ListShippingOptions`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::list_shipping_options().await
}
