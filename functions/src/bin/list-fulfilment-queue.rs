//! `list-fulfilment-queue`: see `shared::api::Endpoint::ListFulfilmentQueue`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::list_fulfilment_queue().await
}
