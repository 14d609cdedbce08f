//! `update-product`: see `shared::api::Endpoint::UpdateProduct`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::update_product().await
}
