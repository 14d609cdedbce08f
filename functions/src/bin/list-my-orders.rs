//! `list-my-orders`: see `shared::api::Endpoint::ListMyOrders`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::run(shared::api::Endpoint::ListMyOrders).await
}
