//! `admin-list-orders`: see `shared::api::Endpoint::AdminListOrders`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::admin_list_orders().await
}
