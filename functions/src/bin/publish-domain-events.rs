//! `publish-domain-events`: the Orders, Products, InventoryLedger and
//! Erasures streams' consumer that publishes domain events to the
//! EventBridge bus; see `shared::events`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::events::run_publisher().await
}
