//! `create-cart`: see `shared::api::Endpoint::CreateCart`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::run(shared::api::Endpoint::CreateCart).await
}
