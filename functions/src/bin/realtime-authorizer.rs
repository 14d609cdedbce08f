//! `realtime-authorizer`: the WebSocket API's `$connect` REQUEST
//! authorizer, which takes a single-use ticket; see `shared::realtime`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::realtime::run_authorizer().await
}
