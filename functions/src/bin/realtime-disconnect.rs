//! `realtime-disconnect`: the WebSocket API's `$disconnect` route; forgets
//! the connection. See `shared::realtime`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::realtime::run_connection_handler(false).await
}
