//! `archive-product`: see `shared::api::Endpoint::ArchiveProduct`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::archive_product().await
}
