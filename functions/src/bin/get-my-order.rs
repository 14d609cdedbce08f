//! `get-my-order`: see `shared::api::Endpoint::GetMyOrder`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::api::serve::get_my_order().await
}
