//! `list-open-returns`: see `shared::api::Endpoint::ListOpenReturns`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::list_open_returns().await
}
