//! The outbound HTTPS connector for calls that are not AWS SDK calls (the
//! identity provider's keys, the payment gateway): the same hyper + rustls
//! stack the SDK uses, with the system's root certificates. Plain HTTP is
//! allowed too, for local stand-ins on loopback.

use anyhow::Context;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;

/// A connector for `hyper_util`'s client.
pub fn connector() -> anyhow::Result<HttpsConnector<HttpConnector>> {
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .context("loading the system's root certificates")?
        .https_or_http()
        .enable_http1()
        .build())
}
