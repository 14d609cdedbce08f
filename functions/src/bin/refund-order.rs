//! `refund-order`: see `shared::api::Endpoint::RefundOrder`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::refund_order().await
}
