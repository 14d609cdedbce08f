//! A local stand-in for API Gateway's HTTP API: matches the routes of
//! `template.yaml`, verifies JWTs as its JWT authorizer does (401 with
//! `{"message":"Unauthorized"}`, as API Gateway answers), builds the same
//! payload-format-2.0 event Lambda receives, and calls the endpoint's
//! handler through `lambda_http`'s own event conversion.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use base64::{engine::general_purpose::STANDARD, Engine};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use shared::api::Endpoint;
use shared::auth::{flatten_claims, JwtVerifier};
use shared::App;

/// API Gateway's payload limit.
const MAX_PAYLOAD: usize = 10 * 1024 * 1024;

/// One route bound to its handler.
pub struct Route {
    pub method: String,
    pub path: String,
    segments: Vec<String>,
    pub public: bool,
    pub endpoint: Endpoint,
    pub app: App,
}

impl Route {
    pub fn new(method: &str, path: &str, public: bool, endpoint: Endpoint, app: App) -> Self {
        Self {
            method: method.to_string(),
            path: path.to_string(),
            segments: path
                .trim_matches('/')
                .split('/')
                .map(str::to_string)
                .collect(),
            public,
            endpoint,
            app,
        }
    }

    /// Path parameters when `path` matches this route's template.
    fn matches(&self, path: &str) -> Option<HashMap<String, String>> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        if parts.len() != self.segments.len() {
            return None;
        }
        let mut params = HashMap::new();
        for (template, actual) in self.segments.iter().zip(parts) {
            if let Some(name) = template.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                if actual.is_empty() {
                    return None;
                }
                params.insert(name.to_string(), percent_decode(actual));
            } else if template != actual {
                return None;
            }
        }
        Some(params)
    }
}

pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The API's `CorsConfiguration`, answered as API Gateway does: preflight
/// requests get 204 with the allowed methods and headers, and responses to
/// an allowed origin carry `access-control-allow-origin`.
#[derive(Clone, Debug, Default)]
pub struct Cors {
    pub allow_origins: Vec<String>,
    pub allow_headers: Vec<String>,
    pub allow_methods: Vec<String>,
}

impl Cors {
    fn allowed_origin(&self, origin: &str) -> Option<String> {
        if self.allow_origins.iter().any(|o| o == "*") {
            Some("*".to_string())
        } else {
            self.allow_origins
                .iter()
                .find(|o| o.as_str() == origin)
                .cloned()
        }
    }
}

/// The routes, the token verifier and the local JWKS.
pub struct Gateway {
    pub routes: Vec<Route>,
    pub verifier: JwtVerifier,
    /// The local identity provider's OIDC endpoints under `/local-idp/`.
    pub oidc: Arc<crate::oidc::OidcProvider>,
    pub cors: Option<Cors>,
    /// The scheduled functions, run on demand by `POST /local/jobs/{name}`
    /// (what `make report` does); not part of the deployed API.
    pub jobs: HashMap<String, shared::App>,
    /// Each SQS worker's pause switch, flipped by
    /// `POST /local/workers/{name}/pause|resume`: a test holds an order at a
    /// step (say PAID, before fulfilment) as disabling an event source
    /// mapping would in AWS. Not part of the deployed API.
    pub pauses: Arc<HashMap<String, Arc<std::sync::atomic::AtomicBool>>>,
}

type GatewayResponse = Response<Full<Bytes>>;

fn plain(status: StatusCode, body: serde_json::Value) -> GatewayResponse {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

impl Gateway {
    /// Serves on `addr` until the task is dropped; returns the bound address.
    pub async fn serve(
        self,
        addr: SocketAddr,
    ) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
        let gateway = Arc::new(self);
        crate::serve_http(addr, move |request, peer| {
            let gateway = gateway.clone();
            async move { gateway.handle(request, peer).await }
        })
        .await
    }

    async fn handle(&self, request: Request<Incoming>, peer: SocketAddr) -> GatewayResponse {
        let started = std::time::Instant::now();
        let method = request.method().to_string();
        let path = request.uri().path().to_string();
        let origin = request
            .headers()
            .get("origin")
            .and_then(|o| o.to_str().ok())
            .map(str::to_string);
        let allowed = origin
            .as_deref()
            .and_then(|o| self.cors.as_ref().and_then(|c| c.allowed_origin(o)));
        let preflight = method == "OPTIONS"
            && request
                .headers()
                .contains_key("access-control-request-method");
        let mut response = match (&self.cors, preflight) {
            (Some(cors), true) => {
                let mut r = Response::builder().status(StatusCode::NO_CONTENT);
                if allowed.is_some() {
                    r = r
                        .header("access-control-allow-methods", cors.allow_methods.join(","))
                        .header("access-control-allow-headers", cors.allow_headers.join(","))
                        .header("access-control-max-age", "300");
                }
                r.body(Full::new(Bytes::new())).unwrap_or_default()
            }
            _ => self.route(request, peer).await,
        };
        if let Some(origin) = allowed {
            if let Ok(value) = hyper::header::HeaderValue::from_str(&origin) {
                response
                    .headers_mut()
                    .insert("access-control-allow-origin", value);
            }
        }
        tracing::info!(
            target: "gateway",
            "{method} {path} -> {} ({} ms)",
            response.status().as_u16(),
            started.elapsed().as_millis()
        );
        response
    }

    async fn route(&self, request: Request<Incoming>, peer: SocketAddr) -> GatewayResponse {
        let path = request.uri().path().to_string();
        if path.starts_with("/local-idp/") {
            return self.identity_provider(request).await;
        }
        if let Some(rest) = path.strip_prefix("/local/workers/") {
            return self.pause_worker(request.method(), rest);
        }
        if let Some(job) = path.strip_prefix("/local/jobs/") {
            if request.method() != hyper::Method::POST {
                return plain(
                    StatusCode::METHOD_NOT_ALLOWED,
                    serde_json::json!({"message": "POST runs the job"}),
                );
            }
            let Some(app) = self.jobs.get(job) else {
                return plain(
                    StatusCode::NOT_FOUND,
                    serde_json::json!({"message": format!("no scheduled job is named {job}")}),
                );
            };
            return match crate::scheduler::run_job(job, app).await {
                Ok(result) => plain(StatusCode::OK, result),
                Err(e) => plain(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    serde_json::json!({"message": format!("{e:#}")}),
                ),
            };
        }
        let method = request.method().as_str().to_string();
        let candidates: Vec<(&Route, HashMap<String, String>)> = self
            .routes
            .iter()
            .filter(|r| r.method == method || r.method == "ANY")
            .filter_map(|r| r.matches(&path).map(|p| (r, p)))
            .collect();
        // The most specific route wins, as in API Gateway.
        let Some((route, params)) = candidates.into_iter().min_by_key(|(_, p)| p.len()) else {
            return plain(
                StatusCode::NOT_FOUND,
                serde_json::json!({ "message": "Not Found" }),
            );
        };

        let mut claims = None;
        if !route.public {
            let token = request
                .headers()
                .get("authorization")
                .and_then(|h| h.to_str().ok())
                .map(|h| h.strip_prefix("Bearer ").unwrap_or(h).trim().to_string());
            let verified = match token {
                Some(t) if !t.is_empty() => self.verifier.verify(&t).await.ok(),
                _ => None,
            };
            match verified {
                Some(c) => claims = Some(flatten_claims(&c)),
                None => {
                    return plain(
                        StatusCode::UNAUTHORIZED,
                        serde_json::json!({ "message": "Unauthorized" }),
                    );
                }
            }
        }

        let (parts, body) = request.into_parts();
        let body = match Limited::new(body, MAX_PAYLOAD).collect().await {
            Ok(b) => b.to_bytes(),
            Err(_) => {
                return plain(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    serde_json::json!({ "message": "Request Entity Too Large" }),
                )
            }
        };
        let event = api_gateway_event(&parts, &body, route, &params, claims, peer);
        let lambda_request: lambda_http::request::LambdaRequest =
            match serde_json::from_value(event) {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!(error = %e, "could not build the Lambda event");
                    return plain(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        serde_json::json!({ "message": "Internal Server Error" }),
                    );
                }
            };
        let request: lambda_http::Request = lambda_request.into();
        crate::metering::api_request();
        let invocation = crate::metering::invocation(
            route.endpoint.name(),
            route.endpoint.call(&route.app, request),
        );
        let Ok(response) = crate::faults::invocation(route.endpoint.name(), invocation).await
        else {
            // The function died: API Gateway answers for it.
            return plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                serde_json::json!({ "message": "Internal Server Error" }),
            );
        };
        let (parts, body) = response.into_parts();
        let bytes = match body {
            lambda_http::Body::Empty => Bytes::new(),
            lambda_http::Body::Text(t) => Bytes::from(t),
            lambda_http::Body::Binary(b) => Bytes::from(b),
            _ => Bytes::new(),
        };
        let mut out = Response::builder().status(parts.status);
        for (name, value) in &parts.headers {
            out = out.header(name, value);
        }
        out.body(Full::new(bytes))
            .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
    }
}

impl Gateway {
    async fn identity_provider(&self, request: Request<Incoming>) -> GatewayResponse {
        let host = request
            .headers()
            .get("host")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1")
            .to_string();
        let base = format!("http://{host}");
        let method = request.method().clone();
        let path = request.uri().path().to_string();
        let query = request
            .uri()
            .query()
            .unwrap_or_default()
            .as_bytes()
            .to_vec();
        let body = match Limited::new(request.into_body(), 64 * 1024).collect().await {
            Ok(b) => b.to_bytes(),
            Err(_) => {
                return plain(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    serde_json::json!({ "message": "Request Entity Too Large" }),
                )
            }
        };
        self.oidc.handle(&method, &path, &base, &query, &body)
    }

    fn pause_worker(&self, method: &hyper::Method, rest: &str) -> GatewayResponse {
        use std::sync::atomic::Ordering;
        let (name, action) = rest.split_once('/').unwrap_or((rest, ""));
        let Some(flag) = self.pauses.get(name) else {
            return plain(
                StatusCode::NOT_FOUND,
                serde_json::json!({"message": format!("no SQS worker is named {name}")}),
            );
        };
        let paused = match (method, action) {
            (&hyper::Method::POST, "pause") => true,
            (&hyper::Method::POST, "resume") => false,
            _ => {
                return plain(
                    StatusCode::NOT_FOUND,
                    serde_json::json!({"message": "POST …/pause or …/resume"}),
                )
            }
        };
        flag.store(paused, Ordering::SeqCst);
        plain(
            StatusCode::OK,
            serde_json::json!({ "worker": name, "paused": paused }),
        )
    }
}

/// The API Gateway HTTP API (payload format 2.0) event for a request.
fn api_gateway_event(
    parts: &hyper::http::request::Parts,
    body: &Bytes,
    route: &Route,
    params: &HashMap<String, String>,
    claims: Option<HashMap<String, String>>,
    peer: SocketAddr,
) -> serde_json::Value {
    let mut headers = serde_json::Map::new();
    for (name, value) in &parts.headers {
        let v = String::from_utf8_lossy(value.as_bytes()).into_owned();
        let key = name.as_str().to_lowercase();
        let joined = match headers.get(&key).and_then(|e| e.as_str()) {
            Some(existing) => format!("{existing},{v}"),
            None => v,
        };
        headers.insert(key, serde_json::Value::String(joined));
    }
    let raw_query = parts.uri.query().unwrap_or_default().to_string();
    let mut query = serde_json::Map::new();
    for pair in raw_query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (
            percent_decode(&k.replace('+', " ")),
            percent_decode(&v.replace('+', " ")),
        );
        let joined = match query.get(&k).and_then(|e| e.as_str()) {
            Some(existing) => format!("{existing},{v}"),
            None => v,
        };
        query.insert(k, serde_json::Value::String(joined));
    }
    let (body_text, encoded) = match std::str::from_utf8(body) {
        Ok(t) => (t.to_string(), false),
        Err(_) => (STANDARD.encode(body), true),
    };
    let now = chrono::Utc::now();
    let route_key = format!("{} {}", route.method, route.path);
    let mut context = serde_json::json!({
        "accountId": "123456789012",
        "apiId": "local",
        "domainName": "127.0.0.1",
        "domainPrefix": "local",
        "http": {
            "method": parts.method.as_str(),
            "path": parts.uri.path(),
            "protocol": "HTTP/1.1",
            "sourceIp": peer.ip().to_string(),
            "userAgent": headers.get("user-agent").cloned().unwrap_or_default(),
        },
        "requestId": uuid::Uuid::new_v4().to_string(),
        "routeKey": route_key,
        "stage": "$default",
        "time": now.format("%d/%b/%Y:%H:%M:%S %z").to_string(),
        "timeEpoch": now.timestamp_millis(),
    });
    if let Some(claims) = claims {
        context["authorizer"] = serde_json::json!({ "jwt": { "claims": claims, "scopes": null } });
    }
    let mut event = serde_json::json!({
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": parts.uri.path(),
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": context,
        "isBase64Encoded": encoded,
    });
    if !query.is_empty() {
        event["queryStringParameters"] = serde_json::Value::Object(query);
    }
    if !params.is_empty() {
        event["pathParameters"] = serde_json::json!(params);
    }
    if !body.is_empty() {
        event["body"] = serde_json::Value::String(body_text);
    }
    event
}
