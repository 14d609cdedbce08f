//! `order-notifier`: the Orders table's stream consumer that pushes each
//! change of an order's status, shipment or tracking to the browsers
//! watching it; see `shared::realtime`.

// The notifier's future nests deeply (paged queries inside the runtime loop).
#![recursion_limit = "256"]

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::realtime::run_notifier().await
}
