//! `cancel-my-order`: see `shared::api::Endpoint::CancelMyOrder`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::cancel_my_order().await
}
