//! `list-my-orders`: see `shared::api::Endpoint::ListMyOrders`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::list_my_orders().await
}
