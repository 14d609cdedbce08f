//! `get-product`: see `shared::api::Endpoint::GetProduct`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::get_product().await
}
