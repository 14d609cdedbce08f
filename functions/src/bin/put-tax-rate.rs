//! `put-tax-rate`: see `shared::api::Endpoint::PutTaxRate`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::put_tax_rate().await
}
