//! `create-cart`: see `shared::api::Endpoint::CreateCart`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::create_cart().await
}
