//! `list-payments`: see `shared::api::Endpoint::ListPayments`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::list_payments().await
}
