//! What the integration tests need besides the stack: a queue that hears
//! everything the service publishes on its bus (a rule of the test's own,
//! as another service would subscribe), the events' JSON Schemas, and a
//! webhook receiver on loopback.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use serde_json::Value;

use crate::TestApp;

/// A queue subscribed to every event the service publishes.
pub struct EventCapture {
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
    /// Every event received so far, in arrival order (the `detail`).
    pub seen: Vec<Value>,
}

impl EventCapture {
    /// Subscribes a fresh queue to the stack's bus.
    pub async fn start(app: &TestApp) -> Self {
        let sqs = aws_sdk_sqs::Client::new(&app.sdk);
        let events = aws_sdk_eventbridge::Client::new(&app.sdk);
        let name = format!("capture-{}", uuid::Uuid::new_v4().simple());
        let queue_url = sqs
            .create_queue()
            .queue_name(&name)
            .send()
            .await
            .expect("a capture queue")
            .queue_url
            .unwrap();
        let bus = &app.stack.app.config.integrations.event_bus;
        let source = &app.stack.app.config.integrations.event_source;
        events
            .put_rule()
            .name(&name)
            .event_bus_name(bus)
            .event_pattern(serde_json::json!({ "source": [source] }).to_string())
            .send()
            .await
            .expect("a capture rule");
        events
            .put_targets()
            .rule(&name)
            .event_bus_name(bus)
            .targets(
                aws_sdk_eventbridge::types::Target::builder()
                    .id("capture")
                    .arn(format!("arn:aws:sqs:us-east-1:123456789012:{name}"))
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .expect("a capture target");
        Self {
            sqs,
            queue_url,
            seen: Vec::new(),
        }
    }

    /// Receives what has arrived; answers the number of new events.
    pub async fn drain(&mut self) -> usize {
        let mut new = 0;
        loop {
            let out = self
                .sqs
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(10)
                .wait_time_seconds(0)
                .send()
                .await
                .expect("receive");
            let messages = out.messages.unwrap_or_default();
            if messages.is_empty() {
                return new;
            }
            for m in messages {
                let envelope: Value =
                    serde_json::from_str(m.body.as_deref().unwrap_or("{}")).unwrap();
                assert_eq!(
                    envelope["detail-type"], envelope["detail"]["type"],
                    "the detail-type names the event: {envelope}"
                );
                self.seen.push(envelope["detail"].clone());
                new += 1;
                self.sqs
                    .delete_message()
                    .queue_url(&self.queue_url)
                    .receipt_handle(m.receipt_handle.unwrap())
                    .send()
                    .await
                    .unwrap();
            }
        }
    }

    /// Waits until an event satisfies `found` (60 s at most), then for the
    /// stream to go quiet (nothing new for `quiet`).
    pub async fn until(&mut self, found: impl Fn(&Value) -> bool, quiet: Duration) {
        let mut waited = Duration::ZERO;
        while !self.seen.iter().any(&found) {
            assert!(
                waited < Duration::from_secs(60),
                "no such event arrived; seen: {:#?}",
                self.types()
            );
            self.drain().await;
            tokio::time::sleep(Duration::from_millis(200)).await;
            waited += Duration::from_millis(200);
        }
        loop {
            tokio::time::sleep(quiet).await;
            if self.drain().await == 0 {
                break;
            }
        }
    }

    /// The types seen, in order.
    pub fn types(&self) -> Vec<String> {
        self.seen
            .iter()
            .map(|e| e["type"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// The events of one type, in arrival order.
    pub fn of_type(&self, kind: &str) -> Vec<&Value> {
        self.seen.iter().filter(|e| e["type"] == kind).collect()
    }

    /// The events about one order, in order.
    pub fn of_order(&self, order_id: &str) -> Vec<Value> {
        self.seen
            .iter()
            .filter(|e| e["orderId"] == order_id)
            .cloned()
            .collect()
    }
}

/// Every schema in `schemas/events/`, as a validator per event type.
pub struct Schemas {
    validators: std::collections::HashMap<String, jsonschema::Validator>,
}

impl Schemas {
    pub fn load() -> Self {
        let root = local::project_root().unwrap().join("schemas/events");
        let mut documents = Vec::new();
        for entry in std::fs::read_dir(&root).expect("schemas/events exists") {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let schema: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            documents.push((path, schema));
        }
        let mut builder = jsonschema::Registry::new();
        for (path, schema) in &documents {
            let id = schema["$id"]
                .as_str()
                .unwrap_or_else(|| panic!("{} has no $id", path.display()))
                .to_string();
            builder = builder
                .add(id, schema.clone())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        let registry = builder.prepare().expect("the schemas form a registry");
        let mut validators = std::collections::HashMap::new();
        for (path, schema) in &documents {
            let Some(name) = file_type(path) else {
                continue;
            };
            let validator = jsonschema::options()
                .with_registry(&registry)
                .build(schema)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            validators.insert(name, validator);
        }
        Self { validators }
    }

    /// Checks `event` against its type's schema.
    pub fn check(&self, event: &Value) {
        let kind = event["type"].as_str().expect("an event has a type");
        let validator = self
            .validators
            .get(kind)
            .unwrap_or_else(|| panic!("no schema for {kind}"));
        let errors: Vec<String> = validator
            .iter_errors(event)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{kind} does not match its schema: {errors:#?}\n{event:#}"
        );
    }

    pub fn types(&self) -> Vec<String> {
        let mut types: Vec<String> = self.validators.keys().cloned().collect();
        types.sort();
        types
    }
}

/// `OrderPlaced.v1.json` → `OrderPlaced`.
fn file_type(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let kind = name.strip_suffix(".v1.json")?;
    kind.chars()
        .next()
        .filter(char::is_ascii_uppercase)
        .map(|_| kind.to_string())
}

/// One request a receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
    pub status: u16,
}

/// A webhook receiver on loopback answering the statuses it is given in
/// turn (then 200), recording every request.
pub struct Receiver {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub async fn start(statuses: &[u16]) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr: SocketAddr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(
            statuses.iter().copied().collect::<VecDeque<_>>(),
        ));
        let shared = received.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let received = shared.clone();
                let script = script.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(
                        move |request: http::Request<hyper::body::Incoming>| {
                            let received = received.clone();
                            let script = script.clone();
                            async move {
                                let (parts, body) = request.into_parts();
                                let body = body.collect().await.unwrap().to_bytes().to_vec();
                                let status = script.lock().unwrap().pop_front().unwrap_or(200);
                                received.lock().unwrap().push(Received {
                                    headers: parts.headers,
                                    body,
                                    status,
                                });
                                Ok::<_, Infallible>(
                                    http::Response::builder()
                                        .status(status)
                                        .body(Full::new(Bytes::from_static(b"ok")))
                                        .unwrap(),
                                )
                            }
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self {
            url: format!("http://{addr}/hook"),
            received,
            task,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits (60 s at most) until `count` requests arrived.
    pub async fn until(&self, count: usize) -> Vec<Received> {
        for _ in 0..600 {
            let got = self.received();
            if got.len() >= count {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "the receiver got {} requests, not {count}",
            self.received().len()
        );
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Every item of every table of the stack, as JSON text, by table.
pub async fn every_item(app: &TestApp) -> Vec<(String, String)> {
    let dynamo = aws_sdk_dynamodb::Client::new(&app.sdk);
    let prefix = format!("{}-", app.stack.stack.name);
    let tables = dynamo.list_tables().send().await.unwrap();
    let mut items = Vec::new();
    let mut names: Vec<String> = tables
        .table_names
        .unwrap_or_default()
        .into_iter()
        .filter(|t| t.starts_with(&prefix))
        .collect();
    names.sort();
    assert!(names.len() >= 13, "every table of the stack: {names:?}");
    for table in names {
        let mut start = None;
        loop {
            let out = dynamo
                .scan()
                .table_name(&table)
                .set_exclusive_start_key(start)
                .send()
                .await
                .unwrap();
            for item in out.items.unwrap_or_default() {
                let value: Value = serde_dynamo::from_item(item).unwrap();
                items.push((table.clone(), value.to_string()));
            }
            start = out.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
    }
    items.sort();
    items
}
