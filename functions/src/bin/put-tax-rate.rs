//! `put-tax-rate`: see `shared::api::Endpoint::PutTaxRate`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::put_tax_rate().await
}
