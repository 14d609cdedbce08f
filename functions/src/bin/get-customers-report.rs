//! `get-customers-report`: see `shared::api::Endpoint::GetCustomersReport`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::get_customers_report().await
}
