//! `list-inventory`: see `shared::api::Endpoint::ListInventory`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::list_inventory().await
}
