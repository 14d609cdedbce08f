//! `low-stock-report`: the scheduled low-stock report (EventBridge); see
//! `shared::inventory::low_stock_report`.

// The job's future nests deeply (SDK calls inside the runtime loop).
#![recursion_limit = "256"]

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::inventory::run_low_stock_report().await
}
