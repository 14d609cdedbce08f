//! `admin-get-product`: see `shared::api::Endpoint::AdminGetProduct`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::admin_get_product().await
}
