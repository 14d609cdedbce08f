//! `receive-return`: see `shared::api::Endpoint::ReceiveReturn`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::receive_return().await
}
