//! `delete-tax-rate`: see `shared::api::Endpoint::DeleteTaxRate`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::delete_tax_rate().await
}
