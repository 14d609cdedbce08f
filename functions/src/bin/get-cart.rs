//! `get-cart`: see `shared::api::Endpoint::GetCart`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::get_cart().await
}
