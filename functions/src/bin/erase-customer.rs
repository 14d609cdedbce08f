//! `erase-customer`: the erasure queue's worker (SQS); see `shared::erasure`.

// The worker future nests deeply (SDK calls inside the runtime loop).
#![recursion_limit = "256"]

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::workers::serve::erase_customer().await
}
