//! `list-inventory`: see `shared::api::Endpoint::ListInventory`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::list_inventory().await
}
