//! `request-customer-erasure`: see `shared::api::Endpoint::EraseCustomer`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::erase_customer().await
}
