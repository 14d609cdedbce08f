//! The one outbound HTTP(S) stack: hyper 1 + rustls on ring, HTTP/1.1.
//!
//! The AWS SDK's clients use it through [`SdkHttpClient`]; the identity
//! provider's keys, the payment gateway and webhook deliveries use
//! [`connector`]. Certificates are verified against the Mozilla root
//! programme's trust anchors as compiled in by `webpki-roots`: already in
//! rustls' form, so a cold start parses no certificate (parsing the
//! system's ~140 roots took about 4 ms of CPU, half of a function's init;
//! see `docs/performance.md`). Plain HTTP is allowed too, for the emulator
//! and local stand-ins on loopback.

use std::sync::OnceLock;
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector as TcpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

/// How long a TCP connect may take (the SDK's default too).
const CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);

/// `http`, wrapped in TLS for `https` URLs, verifying against the compiled-in roots.
pub fn wrap<H>(http: H) -> HttpsConnector<H> {
    hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .wrap_connector(http)
}

/// A connector for `hyper_util`'s client.
pub fn connector() -> HttpsConnector<TcpConnector> {
    let mut http = TcpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(Some(CONNECT_TIMEOUT));
    wrap(http)
}

/// The AWS SDK's HTTP client: one pooled hyper client, built on first use.
#[derive(Clone, Debug, Default)]
pub struct SdkHttpClient {
    client: std::sync::Arc<OnceLock<Client<HttpsConnector<TcpConnector>, SdkBody>>>,
}

impl SdkHttpClient {
    fn client(&self) -> &Client<HttpsConnector<TcpConnector>, SdkBody> {
        self.client.get_or_init(|| {
            Client::builder(TokioExecutor::new())
                .pool_timer(TokioTimer::new())
                .pool_idle_timeout(Duration::from_secs(90))
                .build(connector())
        })
    }
}

impl HttpClient for SdkHttpClient {
    fn http_connector(
        &self,
        _settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

impl HttpConnector for SdkHttpClient {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let request = match request.try_into_http1x() {
            Ok(request) => request,
            Err(e) => return HttpConnectorFuture::ready(Err(ConnectorError::user(e.into()))),
        };
        let response = self.client().request(request);
        HttpConnectorFuture::new(async move {
            let response = response.await.map_err(connector_error)?;
            HttpResponse::try_from(response.map(SdkBody::from_body_1_x))
                .map_err(|e| ConnectorError::other(e.into(), None))
        })
    }
}

/// Classifies a failed request as the SDK's retry policy expects: a
/// connection that could not be made, or was closed or cut short, is
/// transient I/O (retried); anything else is not.
fn connector_error(error: hyper_util::client::legacy::Error) -> ConnectorError {
    let transient = error.is_connect()
        || std::error::Error::source(&error)
            .and_then(|s| s.downcast_ref::<hyper::Error>())
            .is_some_and(|h| h.is_closed() || h.is_incomplete_message() || h.is_canceled())
        || std::error::Error::source(&error)
            .is_some_and(|s| s.downcast_ref::<std::io::Error>().is_some());
    if transient {
        ConnectorError::io(error.into())
    } else {
        ConnectorError::other(error.into(), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::Empty;
    use hyper::body::Bytes;
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const CA: &[u8] = include_bytes!("../tests/fixtures/tls/ca.pem");
    const LEAF: &[u8] = include_bytes!("../tests/fixtures/tls/leaf.pem");
    const LEAF_KEY: &[u8] = include_bytes!("../tests/fixtures/tls/leaf.key");

    fn provider() -> Arc<rustls::crypto::CryptoProvider> {
        Arc::new(rustls::crypto::ring::default_provider())
    }

    /// An HTTPS server on loopback for `localhost`, its certificate signed
    /// by a test CA that no public root vouches for; answers 204.
    async fn server() -> u16 {
        let config = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from_pem_slice(LEAF).unwrap()],
                PrivateKeyDer::from_pem_slice(LEAF_KEY).unwrap(),
            )
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(socket).await else {
                        return;
                    };
                    let mut buf = [0u8; 4096];
                    let _ = tls.read(&mut buf).await;
                    let _ = tls
                        .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
                        .await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        port
    }

    async fn get<C>(connector: C, port: u16) -> Result<u16, String>
    where
        C: tower_service::Service<http::Uri> + Clone + Send + Sync + 'static,
        C::Response: hyper_util::client::legacy::connect::Connection
            + hyper::rt::Read
            + hyper::rt::Write
            + Send
            + Unpin,
        C::Future: Send + Unpin,
        C::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let client: Client<_, Empty<Bytes>> =
            Client::builder(TokioExecutor::new()).build(connector);
        client
            .get(format!("https://localhost:{port}/").parse().unwrap())
            .await
            .map(|r| r.status().as_u16())
            .map_err(|e| format!("{:?}", anyhow::Error::new(e)))
    }

    #[test]
    fn the_compiled_in_roots_are_the_web_pki() {
        assert!(webpki_roots::TLS_SERVER_ROOTS.len() > 100);
    }

    /// The connection is verified, not merely encrypted: a certificate no
    /// public root signed is refused, and the same server is accepted by a
    /// client that trusts its CA (so the refusal is the verification).
    #[tokio::test]
    async fn certificates_are_verified_against_the_compiled_in_roots() {
        let port = server().await;
        let refused = get(connector(), port).await;
        let error = refused.expect_err("a certificate from an unknown CA was accepted");
        assert!(error.contains("UnknownIssuer"), "{error}");

        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from_pem_slice(CA).unwrap())
            .unwrap();
        let trusting = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let mut http = TcpConnector::new();
        http.enforce_http(false);
        let accepted = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(trusting)
            .https_only()
            .enable_http1()
            .wrap_connector(http);
        assert_eq!(get(accepted, port).await, Ok(204));
    }
}
