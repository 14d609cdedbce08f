//! `remove-cart-promotion`: see `shared::api::Endpoint::RemoveCartPromotion`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::remove_cart_promotion().await
}
