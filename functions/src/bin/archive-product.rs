//! `archive-product`: see `shared::api::Endpoint::ArchiveProduct`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::run(shared::api::Endpoint::ArchiveProduct).await
}
