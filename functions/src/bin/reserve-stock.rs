//! `reserve-stock`: the ReserveStock workflow step (SQS); see `shared::workers::reserve_stock`.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::workers::run(shared::workers::Worker::ReserveStock).await
}
