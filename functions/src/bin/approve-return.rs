//! `approve-return`: see `shared::api::Endpoint::ApproveReturn`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::approve_return().await
}
