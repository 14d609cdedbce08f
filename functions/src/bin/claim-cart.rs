//! `claim-cart`: see `shared::api`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::claim_cart().await
}
