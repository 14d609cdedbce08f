//! `create-product`: see `shared::api::Endpoint::CreateProduct`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::create_product().await
}
