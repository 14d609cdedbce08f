//! `get-products-report`: see `shared::api::Endpoint::GetProductsReport`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::get_products_report().await
}
