//! `refund-order`: see `shared::api::Endpoint::RefundOrder`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::refund_order().await
}
