//! A built web app served on loopback the way CloudFront serves it in AWS:
//! its files from `dist/`, any path that is not a file answered with
//! `index.html` (the single-page app routes it), the runtime `config.json`
//! generated for this stack, and the same security headers as the
//! template's response headers policy, so a page that breaks the content
//! security policy breaks here first.

use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};

/// One app: where its build is and what its `config.json` says.
pub struct WebApp {
    pub dist: PathBuf,
    pub config: serde_json::Value,
    /// The origins the pages may connect to: the API's and the WebSocket
    /// API's.
    pub connect_origins: Vec<String>,
}

type HttpResponse = Response<Full<Bytes>>;

/// The runtime settings of a web app on the local stack.
pub fn local_config(api_url: &str) -> serde_json::Value {
    serde_json::json!({
        "stage": "local",
        "apiUrl": api_url,
        "oidc": {
            "authority": crate::identity::ISSUER,
            "metadataUrl": format!("{api_url}/local-idp/.well-known/openid-configuration"),
            "clientId": crate::identity::AUDIENCE,
            "scope": "openid email profile",
        },
        // The local stack charges through the payment sandbox: the
        // storefront offers its test payment methods by name.
        "payments": { "provider": "sandbox" },
    })
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

impl WebApp {
    /// The headers every answer carries (the template's
    /// `ResponseHeadersPolicy`, with the local API's origin).
    fn security_headers(&self) -> [(&'static str, String); 5] {
        [
            (
                "content-security-policy",
                format!(
                    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                     img-src 'self' data: blob:; font-src 'self'; connect-src 'self' {}; \
                     frame-src 'self' blob:; object-src 'none'; base-uri 'self'; \
                     form-action 'self'; frame-ancestors 'none'",
                    self.connect_origins.join(" ")
                ),
            ),
            ("x-content-type-options", "nosniff".into()),
            ("x-frame-options", "DENY".into()),
            ("referrer-policy", "strict-origin-when-cross-origin".into()),
            (
                "permissions-policy",
                "camera=(), microphone=(), geolocation=()".into(),
            ),
        ]
    }

    fn respond(&self, status: StatusCode, path: &Path, body: Vec<u8>, cache: &str) -> HttpResponse {
        let mut builder = Response::builder()
            .status(status)
            .header("content-type", content_type(path))
            .header("cache-control", cache);
        for (name, value) in self.security_headers() {
            builder = builder.header(name, value);
        }
        builder
            .body(Full::new(Bytes::from(body)))
            .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
    }

    async fn answer(&self, request: &Request<Incoming>) -> HttpResponse {
        let path = request.uri().path();
        if request.method() != hyper::Method::GET && request.method() != hyper::Method::HEAD {
            return self.respond(
                StatusCode::METHOD_NOT_ALLOWED,
                Path::new("x.txt"),
                b"GET only".to_vec(),
                "no-store",
            );
        }
        if path == "/config.json" {
            return self.respond(
                StatusCode::OK,
                Path::new("config.json"),
                self.config.to_string().into_bytes(),
                "no-store",
            );
        }
        // Only plain relative components: no `..`, no absolute paths.
        let relative = Path::new(path.trim_start_matches('/'));
        let safe = relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        let file = self.dist.join(relative);
        if safe && !path.ends_with('/') {
            if let Ok(bytes) = tokio::fs::read(&file).await {
                // Vite's hashed assets never change; everything else is revalidated.
                let cache = if path.starts_with("/assets/") {
                    "public, max-age=31536000, immutable"
                } else {
                    "no-cache"
                };
                return self.respond(StatusCode::OK, &file, bytes, cache);
            }
        }
        // A missing asset is a 404; any other path is a route of the app.
        if relative.extension().is_some() {
            return self.respond(
                StatusCode::NOT_FOUND,
                Path::new("x.txt"),
                b"Not Found".to_vec(),
                "no-store",
            );
        }
        let index = self.dist.join("index.html");
        match tokio::fs::read(&index).await {
            Ok(bytes) => self.respond(StatusCode::OK, &index, bytes, "no-cache"),
            Err(_) => self.respond(
                StatusCode::SERVICE_UNAVAILABLE,
                Path::new("x.txt"),
                format!(
                    "{} is missing: build the web apps first (make web)",
                    index.display()
                )
                .into_bytes(),
                "no-store",
            ),
        }
    }

    /// Serves on `addr` until the task is dropped; returns the bound address.
    pub async fn serve(
        self,
        addr: SocketAddr,
    ) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
        let app = Arc::new(self);
        crate::serve_http(addr, move |request, _| {
            let app = app.clone();
            async move { app.answer(&request).await }
        })
        .await
    }
}
