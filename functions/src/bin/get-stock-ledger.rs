//! `get-stock-ledger`: see `shared::api::Endpoint::GetStockLedger`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::get_stock_ledger().await
}
