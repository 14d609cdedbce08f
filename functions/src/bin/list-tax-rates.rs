//! `list-tax-rates`: see `shared::api::Endpoint::ListTaxRates`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::list_tax_rates().await
}
