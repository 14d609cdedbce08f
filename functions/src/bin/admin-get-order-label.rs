//! `admin-get-order-label`: see `shared::api::Endpoint::AdminGetOrderLabel`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::admin_get_order_label().await
}
