//! `list-products`: see `shared::api::Endpoint::ListProducts`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::list_products().await
}
