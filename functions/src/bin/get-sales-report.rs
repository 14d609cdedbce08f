//! `get-sales-report`: see `shared::api::Endpoint::GetSalesReport`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::get_sales_report().await
}
