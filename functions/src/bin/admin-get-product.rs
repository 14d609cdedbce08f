//! `admin-get-product`: see `shared::api::Endpoint::AdminGetProduct`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::admin_get_product().await
}
