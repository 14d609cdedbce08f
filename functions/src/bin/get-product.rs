//! `get-product`: see `shared::api::Endpoint::GetProduct`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::run(shared::api::Endpoint::GetProduct).await
}
