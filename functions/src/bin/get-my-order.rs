//! `get-my-order`: see `shared::api::Endpoint::GetMyOrder`.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::get_my_order().await
}
