//! `reserve-stock`: the ReserveStock workflow step (SQS); see `shared::workers::reserve_stock`.

// The worker future nests deeply (SDK calls inside the runtime loop).
#![recursion_limit = "256"]

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::workers::serve::reserve_stock().await
}
