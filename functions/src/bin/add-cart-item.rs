//! `add-cart-item`: see `shared::api::Endpoint::AddCartItem`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::run(shared::api::Endpoint::AddCartItem).await
}
