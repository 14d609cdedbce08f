//! `delete-tax-rate`: see `shared::api::Endpoint::DeleteTaxRate`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::delete_tax_rate().await
}
