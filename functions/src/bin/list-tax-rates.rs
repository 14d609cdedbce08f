//! `list-tax-rates`: see `shared::api::Endpoint::ListTaxRates`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::list_tax_rates().await
}
