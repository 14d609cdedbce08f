//! `admin-cancel-order`: see `shared::api::Endpoint::AdminCancelOrder`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::admin_cancel_order().await
}
