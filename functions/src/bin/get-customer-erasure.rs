//! `get-customer-erasure`: see `shared::api::Endpoint::GetCustomerErasure`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::get_customer_erasure().await
}
