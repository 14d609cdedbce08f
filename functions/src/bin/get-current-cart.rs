//! `get-current-cart`: see `shared::api`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::get_current_cart().await
}
