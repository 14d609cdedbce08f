//! `realtime-connect`: the WebSocket API's `$connect` route; records the
//! connection the authorizer let in. See `shared::realtime`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::realtime::run_connection_handler(true).await
}
