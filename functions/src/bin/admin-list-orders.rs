//! `admin-list-orders`: see `shared::api::Endpoint::AdminListOrders`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::run(shared::api::Endpoint::AdminListOrders).await
}
