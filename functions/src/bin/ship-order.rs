//! `ship-order`: see `shared::api::Endpoint::ShipOrder`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::ship_order().await
}
