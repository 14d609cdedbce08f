//! `receive-return`: see `shared::api::Endpoint::ReceiveReturn`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::receive_return().await
}
