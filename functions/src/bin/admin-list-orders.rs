//! `admin-list-orders`: see `shared::api::Endpoint::AdminListOrders`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::admin_list_orders().await
}
