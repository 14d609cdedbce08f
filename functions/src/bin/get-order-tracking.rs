//! `get-order-tracking`: see `shared::api::Endpoint::GetOrderTracking`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::get_order_tracking().await
}
