//! `archive-product`: see `shared::api::Endpoint::ArchiveProduct`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::archive_product().await
}
