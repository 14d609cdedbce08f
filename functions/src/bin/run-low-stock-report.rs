//! `run-low-stock-report`: see `shared::api::Endpoint::RunLowStockReport`.

// The report's future nests deeply (SDK calls inside the runtime loop).
#![recursion_limit = "256"]

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::run_low_stock_report().await
}
