//! Fetches the identity provider's JSON Web Key Set over HTTPS, once per cold
//! start, with the same hyper + rustls stack the AWS SDK uses.

use crate::auth::JwkSet;
use anyhow::Context;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::{client::legacy::Client, rt::TokioExecutor};

/// Downloads and parses the key set at `url` (https, or http on loopback).
pub async fn fetch(url: &str) -> anyhow::Result<JwkSet> {
    let connector = crate::https::connector();
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build(connector);
    let uri: hyper::Uri = url.parse().context("parsing the JWKS URL")?;
    let response = client.get(uri).await.context("requesting the JWKS")?;
    anyhow::ensure!(
        response.status().is_success(),
        "the JWKS endpoint answered {}",
        response.status()
    );
    let body = response
        .into_body()
        .collect()
        .await
        .context("reading the JWKS")?
        .to_bytes();
    serde_json::from_slice(&body).context("parsing the JWKS")
}
