//! What the local stack spends, counted for `bench-cost`: every AWS request
//! the functions make (through a metered HTTP client under the SDK), the
//! DynamoDB capacity each one would consume in AWS, and every function
//! invocation with its duration.
//!
//! moto answers every call with the same `ConsumedCapacity`, so capacity is
//! worked out here from item sizes, by DynamoDB's own rules: a read unit per
//! 4 KB read (half for an eventually consistent read), a write unit per
//! 1 KB written (of the larger of the item before and after), twice that
//! in a transaction. For a write the meter reads the item before and after
//! with its own, unmetered requests; the time they take is left out of the
//! invocation's duration.
//!
//! Counting is off until [`start`]; the local runner's calls cost nothing
//! when it is off.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use http_body_util::BodyExt;
use serde_json::{json, Value};

/// What one function's invocations took.
#[derive(Clone, Copy, Debug, Default)]
pub struct Invocations {
    pub count: u64,
    /// Each invocation's duration rounded up to the millisecond, as Lambda bills.
    pub billed_ms: u64,
}

/// DynamoDB request units.
#[derive(Clone, Copy, Debug, Default)]
pub struct Units {
    pub read: f64,
    pub write: f64,
}

/// Everything counted since [`start`].
#[derive(Clone, Debug, Default)]
pub struct Counts {
    /// Per function.
    pub invocations: BTreeMap<String, Invocations>,
    /// AWS requests made by the functions and the runner's pollers, by
    /// `service Operation`.
    pub requests: BTreeMap<String, u64>,
    /// Request units by table (or `table/index`) and operation.
    pub dynamodb: BTreeMap<String, Units>,
    /// HTTP API requests answered by the gateway.
    pub api_requests: u64,
    /// Messages the pollers received (each one sent by a function, a Step
    /// Functions task or an EventBridge rule).
    pub sqs_messages_received: u64,
    /// Messages the functions sent themselves.
    pub sqs_messages_sent: u64,
    /// E-mail recipients (SES bills per recipient).
    pub emails: u64,
    /// Entries put on the event bus.
    pub events: u64,
}

impl Counts {
    pub fn dynamodb_total(&self) -> Units {
        self.dynamodb.values().fold(Units::default(), |a, u| Units {
            read: a.read + u.read,
            write: a.write + u.write,
        })
    }

    pub fn requests_of(&self, service: &str) -> u64 {
        self.requests
            .iter()
            .filter(|(k, _)| k.split(' ').next() == Some(service))
            .map(|(_, n)| n)
            .sum()
    }
}

static ON: AtomicBool = AtomicBool::new(false);
static COUNTS: LazyLock<Mutex<Counts>> = LazyLock::new(Mutex::default);

tokio::task_local! {
    /// Time the meter itself spent inside the current invocation.
    static OVERHEAD: Cell<Duration>;
}

/// Clears the counts and starts counting.
pub fn start() {
    *COUNTS.lock().unwrap_or_else(|e| e.into_inner()) = Counts::default();
    ON.store(true, Ordering::SeqCst);
}

/// Stops counting and returns what was counted.
pub fn stop() -> Counts {
    ON.store(false, Ordering::SeqCst);
    COUNTS.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// A copy of the counts so far (counting goes on).
pub fn snapshot() -> Counts {
    COUNTS.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

fn counting() -> bool {
    ON.load(Ordering::Relaxed)
}

fn count(f: impl FnOnce(&mut Counts)) {
    if counting() {
        f(&mut COUNTS.lock().unwrap_or_else(|e| e.into_inner()));
    }
}

/// Runs one invocation of `function`, counting it and its duration (less
/// the meter's own requests).
pub async fn invocation<F: Future>(function: &str, f: F) -> F::Output {
    if !counting() {
        return f.await;
    }
    OVERHEAD
        .scope(Cell::new(Duration::ZERO), async {
            let started = Instant::now();
            let out = f.await;
            let took = started.elapsed().saturating_sub(OVERHEAD.with(Cell::get));
            let billed = took.as_micros().div_ceil(1000).max(1) as u64;
            count(|c| {
                let entry = c.invocations.entry(function.to_string()).or_default();
                entry.count += 1;
                entry.billed_ms += billed;
            });
            out
        })
        .await
}

/// One request answered by the HTTP API.
pub fn api_request() {
    count(|c| c.api_requests += 1);
}

fn add_overhead(took: Duration) {
    let _ = OVERHEAD.try_with(|o| o.set(o.get() + took));
}

/// SDK configuration for the emulator at `endpoint` whose requests are
/// counted (while counting is on).
pub async fn sdk_config(endpoint: &str) -> aws_config::SdkConfig {
    crate::sdk_loader(endpoint)
        .http_client(metered_client(shared::app::http_client(), endpoint))
        .load()
        .await
}

/// An HTTP client for the SDK that passes every request to `inner` and
/// counts it; DynamoDB item sizes are read through `raw` (the emulator's
/// endpoint, unmetered).
pub fn metered_client(inner: SharedHttpClient, endpoint: &str) -> SharedHttpClient {
    SharedHttpClient::new(MeteredClient {
        inner,
        sizer: Arc::new(Sizer {
            http: reqwest::Client::new(),
            endpoint: endpoint.to_string(),
            keys: Mutex::default(),
        }),
    })
}

#[derive(Debug)]
struct MeteredClient {
    inner: SharedHttpClient,
    sizer: Arc<Sizer>,
}

impl HttpClient for MeteredClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(MeteredConnector {
            inner: self.inner.http_connector(settings, components),
            sizer: self.sizer.clone(),
        })
    }
}

#[derive(Debug)]
struct MeteredConnector {
    inner: SharedHttpConnector,
    sizer: Arc<Sizer>,
}

impl HttpConnector for MeteredConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        if !counting() {
            return self.inner.call(request);
        }
        let (service, operation) = operation_of(&request);
        let body: Value = request
            .body()
            .bytes()
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or(Value::Null);
        let inner = self.inner.clone();
        let sizer = self.sizer.clone();
        HttpConnectorFuture::new(async move {
            let writes = if service == "dynamodb" {
                let started = Instant::now();
                let writes = sizer.writes_before(&operation, &body).await;
                add_overhead(started.elapsed());
                writes
            } else {
                Vec::new()
            };
            let response = inner.call(request).await?;
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = response
                .into_body()
                .collect()
                .await
                .map_err(ConnectorError::io)?
                .to_bytes();
            let answer: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            let started = Instant::now();
            sizer
                .record(&service, &operation, &body, &answer, writes)
                .await;
            add_overhead(started.elapsed());
            let mut rebuilt = HttpResponse::new(status, SdkBody::from(bytes));
            *rebuilt.headers_mut() = headers;
            Ok(rebuilt)
        })
    }
}

/// The service and operation of an SDK request: JSON protocols name them in
/// `X-Amz-Target`; SES v2 is a REST API.
pub(crate) fn operation_of(request: &HttpRequest) -> (String, String) {
    if let Some(target) = request.headers().get("x-amz-target") {
        let (prefix, operation) = target.split_once('.').unwrap_or((target, ""));
        let service = match prefix {
            "DynamoDB_20120810" => "dynamodb",
            "DynamoDBStreams_20120810" => "dynamodbstreams",
            "AmazonSQS" => "sqs",
            "AWSStepFunctions" => "states",
            "AWSEvents" => "events",
            "secretsmanager" => "secretsmanager",
            other => other,
        };
        return (service.to_string(), operation.to_string());
    }
    let path = request.uri().split('?').next().unwrap_or_default();
    let path = path
        .split_once("://")
        .map_or(path, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
    if path.starts_with("/v2/email/outbound-emails") {
        return ("ses".into(), "SendEmail".into());
    }
    if path.contains("/@connections/") {
        return ("execute-api".into(), "PostToConnection".into());
    }
    ("other".into(), format!("{} {path}", request.method()))
}

/// One item a write touches: its table, key, and size before the write.
struct Write {
    table: String,
    key: Value,
    before: u64,
    /// The item as the request writes it (a put); `None` to read it after.
    put: Option<u64>,
    delete: bool,
    transactional: bool,
}

/// Reads item sizes and key schemas straight from the emulator.
#[derive(Debug)]
struct Sizer {
    http: reqwest::Client,
    endpoint: String,
    keys: Mutex<HashMap<String, Vec<String>>>,
}

impl Sizer {
    async fn call(&self, operation: &str, body: Value) -> Value {
        let answer = self
            .http
            .post(&self.endpoint)
            .header("x-amz-target", format!("DynamoDB_20120810.{operation}"))
            .header("content-type", "application/x-amz-json-1.0")
            .header(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
            )
            .body(body.to_string())
            .send()
            .await;
        match answer {
            Ok(r) => r.json().await.unwrap_or(Value::Null),
            Err(_) => Value::Null,
        }
    }

    async fn key_names(&self, table: &str) -> Vec<String> {
        if let Some(k) = self
            .keys
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(table)
        {
            return k.clone();
        }
        let described = self
            .call("DescribeTable", json!({ "TableName": table }))
            .await;
        let names: Vec<String> = described["Table"]["KeySchema"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|k| k["AttributeName"].as_str().map(str::to_string))
            .collect();
        self.keys
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(table.to_string(), names.clone());
        names
    }

    async fn size_now(&self, table: &str, key: &Value) -> u64 {
        let got = self
            .call(
                "GetItem",
                json!({ "TableName": table, "Key": key, "ConsistentRead": true }),
            )
            .await;
        item_size(&got["Item"])
    }

    async fn key_of(&self, table: &str, item: &Value) -> Value {
        let names = self.key_names(table).await;
        Value::Object(
            names
                .into_iter()
                .filter_map(|n| item.get(&n).map(|v| (n, v.clone())))
                .collect(),
        )
    }

    /// The items a write request touches, with their sizes before it.
    async fn writes_before(&self, operation: &str, body: &Value) -> Vec<Write> {
        // (kind, table, the action, in a transaction)
        let mut actions: Vec<(String, String, &Value, bool)> = Vec::new();
        let table_of = |v: &Value| v["TableName"].as_str().unwrap_or_default().to_string();
        match operation {
            "PutItem" | "UpdateItem" | "DeleteItem" => {
                let kind = operation.trim_end_matches("Item").to_string();
                actions.push((kind, table_of(body), body, false));
            }
            "TransactWriteItems" => {
                for action in body["TransactItems"].as_array().into_iter().flatten() {
                    if let Some((kind, inner)) = action.as_object().and_then(|o| o.iter().next()) {
                        actions.push((kind.clone(), table_of(inner), inner, true));
                    }
                }
            }
            "BatchWriteItem" => {
                for (table, requests) in body["RequestItems"].as_object().into_iter().flatten() {
                    for request in requests.as_array().into_iter().flatten() {
                        if let Some(put) = request.get("PutRequest") {
                            actions.push(("Put".into(), table.clone(), put, false));
                        } else if let Some(delete) = request.get("DeleteRequest") {
                            actions.push(("Delete".into(), table.clone(), delete, false));
                        }
                    }
                }
            }
            _ => {}
        }
        let mut writes = Vec::new();
        for (kind, table, action, transactional) in actions {
            let (key, put) = match kind.as_str() {
                "Put" => {
                    let item = &action["Item"];
                    (self.key_of(&table, item).await, Some(item_size(item)))
                }
                _ => (action["Key"].clone(), None),
            };
            let before = self.size_now(&table, &key).await;
            writes.push(Write {
                table,
                key,
                before,
                put: if kind == "ConditionCheck" {
                    Some(before)
                } else {
                    put
                },
                delete: kind.contains("Delete"),
                transactional,
            });
        }
        writes
    }

    async fn record(
        &self,
        service: &str,
        operation: &str,
        request: &Value,
        answer: &Value,
        writes: Vec<Write>,
    ) {
        let mut units: Vec<(String, Units)> = Vec::new();
        if service == "dynamodb" {
            for write in writes {
                let after = match (write.delete, write.put) {
                    (true, _) => 0,
                    (false, Some(size)) => size,
                    (false, None) => self.size_now(&write.table, &write.key).await,
                };
                let factor = if write.transactional { 2.0 } else { 1.0 };
                let write_units = (write.before.max(after).div_ceil(1024)).max(1) as f64 * factor;
                units.push((
                    write.table,
                    Units {
                        read: 0.0,
                        write: write_units,
                    },
                ));
            }
            units.extend(read_units(operation, request, answer));
        }
        // An empty receive is idle polling, a fixed cost per queue and not
        // a cost per order: it is kept apart.
        let idle = (service, operation) == ("sqs", "ReceiveMessage")
            && answer["Messages"].as_array().is_none_or(Vec::is_empty);
        count(|c| {
            let suffix = if idle { " (empty)" } else { "" };
            *c.requests
                .entry(format!("{service} {operation}{suffix}"))
                .or_default() += 1;
            for (table, u) in units {
                let entry = c
                    .dynamodb
                    .entry(format!("{table} {operation}"))
                    .or_default();
                entry.read += u.read;
                entry.write += u.write;
            }
            match (service, operation) {
                ("sqs", "ReceiveMessage") => {
                    c.sqs_messages_received +=
                        answer["Messages"].as_array().map_or(0, Vec::len) as u64
                }
                ("sqs", "SendMessage") => c.sqs_messages_sent += 1,
                ("sqs", "SendMessageBatch") => {
                    c.sqs_messages_sent += request["Entries"].as_array().map_or(0, Vec::len) as u64
                }
                ("events", "PutEvents") => {
                    c.events += request["Entries"].as_array().map_or(0, Vec::len) as u64
                }
                ("ses", "SendEmail") => {
                    let d = &request["Destination"];
                    c.emails += ["ToAddresses", "CcAddresses", "BccAddresses"]
                        .iter()
                        .map(|k| d[*k].as_array().map_or(0, Vec::len) as u64)
                        .sum::<u64>();
                }
                _ => {}
            }
        });
    }
}

/// Read units of a read request, by table (`table/index` for an index).
fn read_units(operation: &str, request: &Value, answer: &Value) -> Vec<(String, Units)> {
    let consistent = |r: &Value| r["ConsistentRead"].as_bool().unwrap_or(false);
    let units = |bytes: u64, factor: f64| Units {
        read: (bytes.div_ceil(4096)).max(1) as f64 * factor,
        write: 0.0,
    };
    let half = |c: bool| if c { 1.0 } else { 0.5 };
    let table = || {
        let t = request["TableName"].as_str().unwrap_or_default();
        match request["IndexName"].as_str() {
            Some(i) => format!("{t}/{i}"),
            None => t.to_string(),
        }
    };
    match operation {
        "GetItem" => vec![(
            table(),
            units(item_size(&answer["Item"]), half(consistent(request))),
        )],
        // Items a filter left out are read and billed too; only what came
        // back is seen here, so a filtered query is counted low.
        "Query" | "Scan" => {
            let bytes = answer["Items"]
                .as_array()
                .into_iter()
                .flatten()
                .map(item_size)
                .sum();
            vec![(table(), units(bytes, half(consistent(request))))]
        }
        "BatchGetItem" => {
            let mut out = Vec::new();
            if let Some(responses) = answer["Responses"].as_object() {
                for (t, items) in responses {
                    let c = consistent(&request["RequestItems"][t]);
                    for item in items.as_array().into_iter().flatten() {
                        out.push((t.clone(), units(item_size(item), half(c))));
                    }
                }
            }
            out
        }
        "TransactGetItems" => request["TransactItems"]
            .as_array()
            .into_iter()
            .flatten()
            .zip(
                answer["Responses"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .chain(std::iter::repeat(Value::Null)),
            )
            .map(|(get, got)| {
                (
                    get["Get"]["TableName"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    units(item_size(&got["Item"]), 2.0),
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// An item's size by DynamoDB's rules, from its wire form
/// (`{"name": {"S": "…"}, …}`): each attribute's name plus its value.
pub fn item_size(item: &Value) -> u64 {
    item.as_object().map_or(0, |attributes| {
        attributes
            .iter()
            .map(|(name, value)| name.len() as u64 + value_size(value))
            .sum()
    })
}

fn value_size(value: &Value) -> u64 {
    let Some((kind, v)) = value.as_object().and_then(|o| o.iter().next()) else {
        return 0;
    };
    match kind.as_str() {
        "S" => v.as_str().map_or(0, |s| s.len() as u64),
        "N" => number_size(v.as_str().unwrap_or_default()),
        "B" => base64_len(v.as_str().unwrap_or_default()),
        "BOOL" | "NULL" => 1,
        "SS" => v
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| s.as_str().map_or(0, |s| s.len() as u64))
            .sum(),
        "NS" => v
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| number_size(s.as_str().unwrap_or_default()))
            .sum(),
        "BS" => v
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| base64_len(s.as_str().unwrap_or_default()))
            .sum(),
        // 3 bytes for the container, and 1 per element.
        "L" => {
            3 + v
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| value_size(e) + 1)
                .sum::<u64>()
        }
        "M" => {
            3 + v.as_object().map_or(0, |m| {
                m.iter()
                    .map(|(k, e)| k.len() as u64 + value_size(e) + 1)
                    .sum()
            })
        }
        _ => 0,
    }
}

/// About one byte per two significant digits, plus one.
fn number_size(n: &str) -> u64 {
    let digits: String = n.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0').len() as u64;
    significant.div_ceil(2) + 1
}

fn base64_len(b: &str) -> u64 {
    let padding = b.bytes().rev().take_while(|&c| c == b'=').count() as u64;
    (b.len() as u64 * 3 / 4).saturating_sub(padding)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_sizes_follow_dynamodbs_rules() {
        // Name + UTF-8 bytes; a number by its significant digits.
        assert_eq!(item_size(&json!({"pk": {"S": "abc"}})), 5);
        assert_eq!(item_size(&json!({"n": {"N": "1234"}})), 1 + 2 + 1);
        assert_eq!(item_size(&json!({"n": {"N": "1200"}})), 1 + 1 + 1);
        assert_eq!(item_size(&json!({"b": {"BOOL": true}})), 2);
        // A map: 3 bytes, then each entry's name, value and 1 byte.
        assert_eq!(
            item_size(&json!({"m": {"M": {"a": {"S": "xy"}}}})),
            1 + 3 + (1 + 2 + 1)
        );
        assert_eq!(item_size(&json!({"l": {"L": []}})), 1 + 3);
        assert_eq!(item_size(&Value::Null), 0);
    }

    #[test]
    fn reads_are_billed_per_4_kb_and_half_when_eventually_consistent() {
        let item = json!({"pk": {"S": "x".repeat(5000)}});
        let got = read_units(
            "GetItem",
            &json!({"TableName": "T"}),
            &json!({ "Item": item }),
        );
        assert_eq!(got[0].1.read, 1.0);
        let got = read_units(
            "GetItem",
            &json!({"TableName": "T", "ConsistentRead": true}),
            &json!({}),
        );
        assert_eq!((got[0].0.as_str(), got[0].1.read), ("T", 1.0));
        let got = read_units(
            "Query",
            &json!({"TableName": "T", "IndexName": "I"}),
            &json!({"Items": []}),
        );
        assert_eq!((got[0].0.as_str(), got[0].1.read), ("T/I", 0.5));
    }
}
