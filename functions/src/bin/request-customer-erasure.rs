//! `request-customer-erasure`: see `shared::api::Endpoint::EraseCustomer`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::erase_customer().await
}
