//! `start-stranded-orders`: the scheduled sweep that starts the workflow of
//! orders left PENDING without one (EventBridge); see
//! `shared::workflow::start_stranded_orders`.

// The job's future nests deeply (SDK calls inside the runtime loop).
#![recursion_limit = "256"]

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::workflow::run_stranded_order_sweep().await
}
