//! A local stand-in for API Gateway's WebSocket API, on its own port:
//!
//! - `GET /{stage}` with `Upgrade: websocket` is a `$connect`: the
//!   handshake is refused (401) without the authorizer's identity sources
//!   (`?ticket=`), then the REQUEST authorizer runs with the event API
//!   Gateway sends it (`aws_lambda_events`' request type), its context is
//!   flattened into `requestContext.authorizer` of the `$connect` event, and
//!   only a 2xx from the `$connect` handler completes the handshake. Closing
//!   the socket runs `$disconnect`.
//! - `POST|GET|DELETE /{stage}/@connections/{id}` is the management API
//!   that `aws-sdk-apigatewaymanagement` calls: a connection that is not
//!   open answers 410 with `x-amzn-ErrorType: GoneException`, as API
//!   Gateway does (moto's accepts any id and never answers Gone).
//!
//! A text frame from the browser finds no route (the API has only
//! `$connect` and `$disconnect`), and is answered as API Gateway answers
//! it: `{"message": "Forbidden", …}`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use aws_lambda_events::event::apigw::{
    ApiGatewayCustomAuthorizerRequestTypeRequest, ApiGatewayWebsocketProxyRequest,
};
use aws_lambda_events::event::iam::IamPolicyEffect;
use base64::{engine::general_purpose::STANDARD, Engine};
use futures::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use serde_json::{json, Value};
use shared::App;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::{protocol::Role, Message};

use crate::template::WebSocketSpec;

type HttpResponse = Response<Full<Bytes>>;

/// What the management API asks of an open socket.
enum Outgoing {
    Text(String),
    Close,
}

struct Socket {
    tx: mpsc::UnboundedSender<Outgoing>,
    connected_at: chrono::DateTime<chrono::Utc>,
    last_active_at: chrono::DateTime<chrono::Utc>,
    source_ip: String,
    user_agent: String,
}

/// The WebSocket API's handlers, each with the environment the template
/// gives its function.
pub struct RealtimeGateway {
    pub spec: WebSocketSpec,
    pub authorizer: Option<App>,
    pub connect: Option<App>,
    pub disconnect: Option<App>,
    /// The address it serves on, for the events' `domainName`.
    pub addr: SocketAddr,
    sockets: Mutex<HashMap<String, Socket>>,
}

fn respond(status: StatusCode, body: Value) -> HttpResponse {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap_or_default()
}

fn gone() -> HttpResponse {
    Response::builder()
        .status(StatusCode::GONE)
        .header("content-type", "application/json")
        .header("x-amzn-errortype", "GoneException")
        .body(Full::new(Bytes::from(r#"{"message":null}"#)))
        .unwrap_or_default()
}

/// An id shaped like API Gateway's (`L0SM9cOFvHcCIhw=`).
fn connection_id() -> String {
    STANDARD.encode(&uuid::Uuid::new_v4().as_bytes()[..10])
}

impl RealtimeGateway {
    pub fn new(
        spec: WebSocketSpec,
        addr: SocketAddr,
        apps: &HashMap<String, App>,
    ) -> anyhow::Result<Self> {
        let app_of = |binary: Option<&String>| -> anyhow::Result<Option<App>> {
            binary
                .map(|b| {
                    apps.get(b)
                        .cloned()
                        .ok_or_else(|| anyhow::anyhow!("no environment for {b}"))
                })
                .transpose()
        };
        Ok(Self {
            authorizer: app_of(spec.authorizer.as_ref())?,
            connect: app_of(spec.routes.get("$connect"))?,
            disconnect: app_of(spec.routes.get("$disconnect"))?,
            spec,
            addr,
            sockets: Mutex::new(HashMap::new()),
        })
    }

    /// The binaries this gateway invokes.
    pub fn binaries(spec: &WebSocketSpec) -> Vec<String> {
        spec.routes
            .values()
            .cloned()
            .chain(spec.authorizer.clone())
            .collect()
    }

    /// Serves on `listener` until the task is dropped.
    pub fn serve(self, listener: tokio::net::TcpListener) -> tokio::task::JoinHandle<()> {
        let gateway = Arc::new(self);
        crate::serve_listener(listener, move |request, peer| {
            let gateway = gateway.clone();
            async move { gateway.handle(request, peer).await }
        })
    }

    async fn handle(self: Arc<Self>, request: Request<Incoming>, peer: SocketAddr) -> HttpResponse {
        let path = request.uri().path().to_string();
        let stage_prefix = format!("/{}", self.spec.stage);
        let rest = path.strip_prefix(&stage_prefix).unwrap_or(&path);
        if let Some(id) = rest.strip_prefix("/@connections/") {
            let id = crate::gateway::percent_decode(id);
            return self.manage(request, &id).await;
        }
        if rest.is_empty() || rest == "/" {
            let upgrade = request
                .headers()
                .get("upgrade")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
            if upgrade {
                let response = self.clone().handshake(request, peer).await;
                tracing::info!(target: "gateway", "WebSocket $connect -> {}", response.status().as_u16());
                return response;
            }
        }
        respond(StatusCode::FORBIDDEN, json!({ "message": "Forbidden" }))
    }

    /// The `@connections` management API.
    async fn manage(&self, request: Request<Incoming>, id: &str) -> HttpResponse {
        let method = request.method().clone();
        let body = request
            .into_body()
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        let mut sockets = self.sockets.lock().unwrap_or_else(|e| e.into_inner());
        let Some(socket) = sockets.get_mut(id) else {
            return gone();
        };
        match method {
            hyper::Method::POST => {
                let text = String::from_utf8_lossy(&body).into_owned();
                if socket.tx.send(Outgoing::Text(text)).is_err() {
                    sockets.remove(id);
                    return gone();
                }
                Response::new(Full::new(Bytes::new()))
            }
            hyper::Method::DELETE => {
                let _ = socket.tx.send(Outgoing::Close);
                Response::builder()
                    .status(StatusCode::NO_CONTENT)
                    .body(Full::new(Bytes::new()))
                    .unwrap_or_default()
            }
            hyper::Method::GET => respond(
                StatusCode::OK,
                json!({
                    "connectedAt": socket.connected_at.to_rfc3339(),
                    "lastActiveAt": socket.last_active_at.to_rfc3339(),
                    "identity": { "sourceIp": socket.source_ip, "userAgent": socket.user_agent },
                }),
            ),
            _ => respond(
                StatusCode::METHOD_NOT_ALLOWED,
                json!({ "message": "Method Not Allowed" }),
            ),
        }
    }

    /// The request context API Gateway puts in every event of a connection.
    fn request_context(
        &self,
        connection_id: &str,
        event_type: &str,
        route_key: &str,
        peer: SocketAddr,
        user_agent: &str,
        connected_at: i64,
    ) -> Value {
        let now = chrono::Utc::now();
        json!({
            "routeKey": route_key,
            "eventType": event_type,
            "extendedRequestId": uuid::Uuid::new_v4().to_string(),
            "requestTime": now.format("%d/%b/%Y:%H:%M:%S %z").to_string(),
            "messageDirection": "IN",
            "stage": self.spec.stage,
            "connectedAt": connected_at,
            "requestTimeEpoch": now.timestamp_millis(),
            "identity": { "sourceIp": peer.ip().to_string(), "userAgent": user_agent },
            "requestId": uuid::Uuid::new_v4().to_string(),
            "domainName": self.addr.to_string(),
            "connectionId": connection_id,
            "apiId": "local",
        })
    }

    async fn handshake(
        self: Arc<Self>,
        request: Request<Incoming>,
        peer: SocketAddr,
    ) -> HttpResponse {
        let Some(key) = request
            .headers()
            .get("sec-websocket-key")
            .map(|k| k.as_bytes().to_vec())
        else {
            return respond(StatusCode::BAD_REQUEST, json!({ "message": "Bad Request" }));
        };
        let query: HashMap<String, String> = request
            .uri()
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let mut headers = serde_json::Map::new();
        for (name, value) in request.headers() {
            if let Ok(v) = value.to_str() {
                headers.insert(name.as_str().to_string(), json!(v));
            }
        }
        let user_agent = request
            .headers()
            .get("user-agent")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let id = connection_id();
        let connected_at = chrono::Utc::now();
        let context = self.request_context(
            &id,
            "CONNECT",
            "$connect",
            peer,
            &user_agent,
            connected_at.timestamp_millis(),
        );
        let multi = |map: &serde_json::Map<String, Value>| -> Value {
            map.iter()
                .map(|(k, v)| (k.clone(), json!([v])))
                .collect::<serde_json::Map<_, _>>()
                .into()
        };
        let query_json: serde_json::Map<String, Value> =
            query.iter().map(|(k, v)| (k.clone(), json!(v))).collect();

        // The authorizer, when the route has one.
        let mut authorizer_context = None;
        if let (Some(app), Some(_)) = (&self.authorizer, &self.spec.authorizer) {
            for source in &self.spec.identity_source {
                let present = match source.strip_prefix("route.request.querystring.") {
                    Some(name) => query.get(name).is_some_and(|v| !v.is_empty()),
                    None => source
                        .strip_prefix("route.request.header.")
                        .is_some_and(|name| headers.contains_key(&name.to_ascii_lowercase())),
                };
                if !present {
                    return respond(
                        StatusCode::UNAUTHORIZED,
                        json!({ "message": "Unauthorized" }),
                    );
                }
            }
            let event = json!({
                "type": "REQUEST",
                "methodArn": format!("arn:aws:execute-api:us-east-1:123456789012:local/{}/$connect", self.spec.stage),
                "headers": headers,
                "multiValueHeaders": multi(&headers),
                "queryStringParameters": query_json,
                "multiValueQueryStringParameters": multi(&query_json),
                "stageVariables": {},
                "requestContext": context,
            });
            let event: ApiGatewayCustomAuthorizerRequestTypeRequest =
                match serde_json::from_value(event) {
                    Ok(e) => e,
                    Err(e) => {
                        tracing::error!(error = %e, "the authorizer event does not parse");
                        return respond(
                            StatusCode::INTERNAL_SERVER_ERROR,
                            json!({ "message": "Internal server error" }),
                        );
                    }
                };
            let started = std::time::Instant::now();
            match shared::realtime::authorize(app, event).await {
                Err(_) => {
                    return respond(
                        StatusCode::UNAUTHORIZED,
                        json!({ "message": "Unauthorized" }),
                    )
                }
                Ok(answer) => {
                    let allowed = answer
                        .policy_document
                        .statement
                        .iter()
                        .any(|s| s.effect == IamPolicyEffect::Allow);
                    if !allowed {
                        return respond(StatusCode::FORBIDDEN, json!({ "message": "Forbidden" }));
                    }
                    let mut flat = match serde_json::to_value(&answer.context) {
                        Ok(Value::Object(m)) => m,
                        _ => serde_json::Map::new(),
                    };
                    flat.insert("principalId".into(), json!(answer.principal_id));
                    flat.insert(
                        "integrationLatency".into(),
                        json!(started.elapsed().as_millis() as u64),
                    );
                    authorizer_context = Some(Value::Object(flat));
                }
            }
        }

        // The $connect route.
        if let Some(app) = &self.connect {
            let mut context = context.clone();
            if let Some(authorizer) = authorizer_context.clone() {
                context["authorizer"] = authorizer;
            }
            let event = json!({
                "headers": headers,
                "multiValueHeaders": multi(&headers),
                "queryStringParameters": query_json,
                "multiValueQueryStringParameters": multi(&query_json),
                "requestContext": context,
                "isBase64Encoded": false,
            });
            if let Err(e) = serde_json::from_value::<ApiGatewayWebsocketProxyRequest>(event.clone())
            {
                tracing::error!(error = %e, "the $connect event does not parse");
                return respond(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({ "message": "Internal server error" }),
                );
            }
            let answer = shared::realtime::connect(app, event).await;
            if !(200..300).contains(&answer.status_code) {
                let status = StatusCode::from_u16(answer.status_code as u16)
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                return respond(status, json!({ "message": "Connection refused" }));
            }
        }

        let (tx, rx) = mpsc::unbounded_channel();
        self.sockets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                id.clone(),
                Socket {
                    tx,
                    connected_at,
                    last_active_at: connected_at,
                    source_ip: peer.ip().to_string(),
                    user_agent: user_agent.clone(),
                },
            );
        let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(&key);
        let gateway = self.clone();
        tokio::spawn(async move {
            match hyper::upgrade::on(request).await {
                Ok(upgraded) => {
                    gateway
                        .run_socket(upgraded, &id, rx, peer, &user_agent, connected_at)
                        .await
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the WebSocket upgrade failed");
                    gateway.closed(&id, peer, &user_agent, connected_at).await;
                }
            }
        });
        Response::builder()
            .status(StatusCode::SWITCHING_PROTOCOLS)
            .header("connection", "Upgrade")
            .header("upgrade", "websocket")
            .header("sec-websocket-accept", accept)
            .body(Full::new(Bytes::new()))
            .unwrap_or_default()
    }

    async fn run_socket(
        &self,
        upgraded: hyper::upgrade::Upgraded,
        id: &str,
        mut rx: mpsc::UnboundedReceiver<Outgoing>,
        peer: SocketAddr,
        user_agent: &str,
        connected_at: chrono::DateTime<chrono::Utc>,
    ) {
        let socket = tokio_tungstenite::WebSocketStream::from_raw_socket(
            hyper_util::rt::TokioIo::new(upgraded),
            Role::Server,
            None,
        )
        .await;
        let (mut sink, mut stream) = socket.split();
        loop {
            tokio::select! {
                outgoing = rx.recv() => match outgoing {
                    Some(Outgoing::Text(text)) => {
                        if sink.send(Message::text(text)).await.is_err() {
                            break;
                        }
                    }
                    Some(Outgoing::Close) | None => {
                        let _ = sink.send(Message::Close(None)).await;
                        break;
                    }
                },
                incoming = stream.next() => match incoming {
                    Some(Ok(Message::Text(_) | Message::Binary(_))) => {
                        if let Some(s) = self.sockets.lock().unwrap_or_else(|e| e.into_inner()).get_mut(id) {
                            s.last_active_at = chrono::Utc::now();
                        }
                        // No route takes client messages.
                        let answer = json!({
                            "message": "Forbidden",
                            "connectionId": id,
                            "requestId": uuid::Uuid::new_v4().to_string(),
                        });
                        if sink.send(Message::text(answer.to_string())).await.is_err() {
                            break;
                        }
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                },
            }
        }
        self.closed(id, peer, user_agent, connected_at).await;
    }

    /// A socket closed: forgets it and runs `$disconnect`.
    async fn closed(
        &self,
        id: &str,
        peer: SocketAddr,
        user_agent: &str,
        connected_at: chrono::DateTime<chrono::Utc>,
    ) {
        self.sockets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(id);
        let Some(app) = &self.disconnect else {
            return;
        };
        let mut context = self.request_context(
            id,
            "DISCONNECT",
            "$disconnect",
            peer,
            user_agent,
            connected_at.timestamp_millis(),
        );
        context["disconnectStatusCode"] = json!(1000);
        context["disconnectReason"] = json!("");
        let event = json!({
            "headers": { "Host": self.addr.to_string() },
            "multiValueHeaders": { "Host": [self.addr.to_string()] },
            "requestContext": context,
            "isBase64Encoded": false,
        });
        let answer = shared::realtime::disconnect(app, event).await;
        tracing::info!(target: "gateway", "WebSocket $disconnect -> {}", answer.status_code);
    }
}
