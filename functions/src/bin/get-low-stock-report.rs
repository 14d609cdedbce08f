//! `get-low-stock-report`: see `shared::api::Endpoint::GetLowStockReport`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::get_low_stock_report().await
}
