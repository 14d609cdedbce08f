//! `erase-customer`: the erasure queue's worker (SQS); see `shared::erasure`.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::workers::run(shared::workers::Worker::EraseCustomer).await
}
