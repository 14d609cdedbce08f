//! `sales-analytics`: the Orders table's stream consumer that keeps the
//! sales aggregates; see `shared::analytics`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::analytics::run().await
}
