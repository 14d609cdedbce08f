//! `get-my-order`: see `shared::api::Endpoint::GetMyOrder`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::run(shared::api::Endpoint::GetMyOrder).await
}
