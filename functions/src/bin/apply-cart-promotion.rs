//! `apply-cart-promotion`: see `shared::api::Endpoint::ApplyCartPromotion`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::apply_cart_promotion().await
}
