//! `admin-get-order`: see `shared::api::Endpoint::AdminGetOrder`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::admin_get_order().await
}
