//! The local stack behind `make dev` and the tests: the moto emulator with
//! DynamoDB serialised, everything `template.yaml` declares provisioned in
//! it, the HTTP API served on loopback through the real handlers, and the
//! SQS workers polled the way Lambda's event source does.

pub mod bench;
pub mod faults;
pub mod gateway;
pub mod identity;
pub mod invariants;
pub mod metering;
pub mod oidc;
pub mod pollers;
pub mod provision;
pub mod realtime;
pub mod scheduler;
pub mod seed;
pub mod streams;
pub mod template;
pub mod webapp;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use aws_config::{Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;
use shared::api::Endpoint;
use shared::workers::Worker;
use shared::{App, Config};

use crate::gateway::{Gateway, Route};
use crate::identity::LocalIdentityProvider;
use crate::provision::Stack;

/// The carrier's webhook secret on the local stack. In AWS the template
/// generates a random one in Secrets Manager; locally the stack stores
/// these known values there, so a developer can sign webhooks by hand.
pub const LOCAL_CARRIER_WEBHOOK_SECRET: &str = "whsec_local_carrier_webhooks";
/// The payment gateway's webhook signing secret on the local stack.
pub const LOCAL_PAYMENT_WEBHOOK_SECRET: &str = "whsec_local_payment_webhooks";
/// The Stripe API key on the local stack (used only if a test or developer
/// switches `PAYMENT_GATEWAY` to `stripe` and points it at a stand-in).
pub const LOCAL_STRIPE_SECRET_KEY: &str = "sk_test_local_stack";

/// The value the local stack stores in a template secret.
pub fn local_secret_value(logical_id: &str) -> Option<&'static str> {
    match logical_id {
        "CarrierWebhookSecret" => Some(LOCAL_CARRIER_WEBHOOK_SECRET),
        "PaymentWebhookSecret" => Some(LOCAL_PAYMENT_WEBHOOK_SECRET),
        "StripeSecretKey" => Some(LOCAL_STRIPE_SECRET_KEY),
        _ => None,
    }
}

/// The project's root: where `template.yaml` is.
pub fn project_root() -> anyhow::Result<PathBuf> {
    let mut dir = std::env::current_dir()?;
    loop {
        if dir.join("template.yaml").exists() && dir.join("local").is_dir() {
            return Ok(dir);
        }
        if !dir.pop() {
            break;
        }
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| anyhow!("cannot find the project root"))
}

/// A running moto server, stopped when dropped.
pub struct Emulator {
    pub endpoint: String,
    child: std::process::Child,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Emulator {
    /// Starts `local/emulator.py` with the project's `.venv` on `port`
    /// (0 picks a free one) and turns Step Functions execution on.
    pub async fn start(root: &Path, port: u16) -> anyhow::Result<Self> {
        let python = root.join(".venv/bin/python");
        if !python.exists() {
            bail!("{} is missing: run `make setup` first", python.display());
        }
        let port = if port == 0 { free_port()? } else { port };
        let child = std::process::Command::new(python)
            .arg(root.join("local/emulator.py"))
            .arg("--port")
            .arg(port.to_string())
            .arg("--parent-pid")
            .arg(std::process::id().to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting the emulator")?;
        let endpoint = format!("http://127.0.0.1:{port}");
        let emulator = Self { endpoint, child };
        emulator.wait_ready().await?;
        Ok(emulator)
    }

    async fn wait_ready(&self) -> anyhow::Result<()> {
        let addr: SocketAddr = self.endpoint.trim_start_matches("http://").parse()?;
        for _ in 0..300 {
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                return configure(addr).await;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("the emulator did not start on {addr}")
    }

    pub async fn sdk_config(&self) -> SdkConfig {
        sdk_config(&self.endpoint).await
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// Turns on moto's Step Functions execution engine (`POST /moto-api/config`).
async fn configure(addr: SocketAddr) -> anyhow::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = r#"{"stepfunctions": {"execute_state_machine": true}}"#;
    let request = format!(
        "POST /moto-api/config HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    if !response.starts_with("HTTP/1.1 20") && !response.starts_with("HTTP/1.0 20") {
        bail!(
            "configuring the emulator failed: {}",
            response.lines().next().unwrap_or_default()
        );
    }
    Ok(())
}

/// Serves HTTP/1.1 on `addr` with `handle` until the task is dropped;
/// returns the bound address (the gateway and the web apps' server).
pub async fn serve_http<F, Fut>(
    addr: SocketAddr,
    handle: F,
) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<()>)>
where
    F: Fn(hyper::Request<hyper::body::Incoming>, SocketAddr) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = hyper::Response<http_body_util::Full<hyper::body::Bytes>>>
        + Send
        + 'static,
{
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    Ok((bound, serve_listener(listener, handle)))
}

/// Serves HTTP/1.1 (with upgrades, for WebSockets) on a bound listener.
pub fn serve_listener<F, Fut>(
    listener: tokio::net::TcpListener,
    handle: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn(hyper::Request<hyper::body::Incoming>, SocketAddr) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = hyper::Response<http_body_util::Full<hyper::body::Bytes>>>
        + Send
        + 'static,
{
    let handle = Arc::new(handle);
    tokio::spawn(async move {
        loop {
            let Ok((stream, peer)) = listener.accept().await else {
                continue;
            };
            let handle = handle.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| {
                    let answer = handle(req, peer);
                    async move { Ok::<_, std::convert::Infallible>(answer.await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .with_upgrades()
                    .await;
            });
        }
    })
}

pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// SDK configuration that talks to the emulator with dummy credentials.
pub async fn sdk_config(endpoint: &str) -> SdkConfig {
    sdk_loader(endpoint).load().await
}

/// The SDK configuration loader for the emulator at `endpoint`.
pub fn sdk_loader(endpoint: &str) -> aws_config::ConfigLoader {
    shared::app::sdk_loader()
        .endpoint_url(endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "local"))
}

/// An AWS SDK error with its whole chain of causes, saying what was being done.
pub(crate) fn aws_error<E>(what: &str, err: E) -> anyhow::Error
where
    E: std::error::Error + Send + Sync + 'static,
{
    anyhow!(
        "{what}: {}",
        aws_sdk_dynamodb::error::DisplayErrorContext(&err)
    )
}

/// The loopback ports of the local web apps: the admin dashboard and the storefront.
pub const ADMIN_WEB_PORT: u16 = 3001;
pub const STOREFRONT_WEB_PORT: u16 = 3002;
/// The loopback port of the local WebSocket API (`make dev`).
pub const REALTIME_PORT: u16 = 3003;

/// The origins a browser shows for web apps served on loopback `ports`.
pub fn loopback_origins(ports: &[u16]) -> Vec<String> {
    ports
        .iter()
        .flat_map(|p| {
            [
                format!("http://127.0.0.1:{p}"),
                format!("http://localhost:{p}"),
            ]
        })
        .collect()
}

/// How a local stack differs from what `template.yaml` alone gives.
#[derive(Clone, Debug)]
pub struct StackOptions {
    /// Added to every function's environment.
    pub overrides: HashMap<String, String>,
    /// The web apps' origins: the API's CORS origins and the identity
    /// provider's registered callback origins.
    pub web_origins: Vec<String>,
    /// Where the WebSocket API listens (port 0: any free port).
    pub realtime_listen: SocketAddr,
}

impl Default for StackOptions {
    fn default() -> Self {
        Self {
            overrides: HashMap::new(),
            web_origins: loopback_origins(&[ADMIN_WEB_PORT, STOREFRONT_WEB_PORT]),
            realtime_listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        }
    }
}

/// The running service: gateway, pollers and the provisioned stack.
pub struct LocalStack {
    pub base_url: String,
    pub addr: SocketAddr,
    /// The WebSocket API's URL (`ws://127.0.0.1:…/{stage}`), if the
    /// template has one.
    pub realtime_url: Option<String>,
    pub stack: Stack,
    /// An `App` with the stack's configuration, for seeding and inspection.
    pub app: App,
    /// The payment sandbox every function charges through, and its ledger.
    pub payments: shared::payments::sandbox::SandboxGateway,
    /// Crashes to inject into the stack's functions ([`faults`]).
    pub faults: faults::Faults,
    /// The scheduled functions, with the environment the template gives them.
    jobs: HashMap<String, App>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for LocalStack {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl LocalStack {
    /// Runs a scheduled function now, as its schedule does.
    pub async fn run_job(&self, binary: &str) -> anyhow::Result<serde_json::Value> {
        let app = self
            .jobs
            .get(binary)
            .ok_or_else(|| anyhow!("template.yaml schedules no function {binary}"))?;
        scheduler::run_job(binary, app).await
    }

    /// Provisions `stack_name` from `template.yaml` and serves it on `listen`.
    pub async fn start(
        root: &Path,
        sdk: &SdkConfig,
        stack_name: &str,
        listen: SocketAddr,
        idp: &LocalIdentityProvider,
    ) -> anyhow::Result<Self> {
        Self::start_with(root, sdk, stack_name, listen, idp, &HashMap::new()).await
    }

    /// Like [`LocalStack::start`], with `overrides` added to every
    /// function's environment (a test points the Stripe adapter at a fake).
    pub async fn start_with(
        root: &Path,
        sdk: &SdkConfig,
        stack_name: &str,
        listen: SocketAddr,
        idp: &LocalIdentityProvider,
        overrides: &HashMap<String, String>,
    ) -> anyhow::Result<Self> {
        let options = StackOptions {
            overrides: overrides.clone(),
            ..StackOptions::default()
        };
        Self::start_with_options(root, sdk, stack_name, listen, idp, &options).await
    }

    /// Starts the stack with `options`.
    pub async fn start_with_options(
        root: &Path,
        sdk: &SdkConfig,
        stack_name: &str,
        listen: SocketAddr,
        idp: &LocalIdentityProvider,
        options: &StackOptions,
    ) -> anyhow::Result<Self> {
        let stack = provision::provision(root, sdk, stack_name).await?;
        let faults = faults::Faults::default();
        let sdk = &faults.wrap(sdk);
        let mut overrides = options.overrides.clone();
        // Locally, webhook receivers run on loopback and nobody waits a day
        // for a retry or a quarter of an hour for an erasure's next pass.
        for (name, value) in [
            ("WEBHOOKS_ALLOW_LOOPBACK", "true"),
            ("WEBHOOK_RETRY_DELAYS", "1,2,4"),
            ("ERASURE_RECHECK_SECONDS", "1"),
            // A crashed batch is back in seconds here, not after 60.
            ("NOTIFICATION_LEASE_SECONDS", "1"),
        ] {
            overrides
                .entry(name.to_string())
                .or_insert_with(|| value.to_string());
        }
        // The WebSocket API's listener is bound first: the functions are
        // told its URLs, as the template tells them the API's in AWS.
        let realtime = match &stack.websocket {
            Some(spec) => {
                let listener = tokio::net::TcpListener::bind(options.realtime_listen).await?;
                let addr = listener.local_addr()?;
                let url = format!("ws://{addr}/{}", spec.stage);
                overrides.insert("REALTIME_URL".into(), url.clone());
                overrides.insert(
                    "REALTIME_MANAGEMENT_URL".into(),
                    format!("http://{addr}/{}", spec.stage),
                );
                Some((spec.clone(), listener, addr, url))
            }
            None => None,
        };
        let overrides = &overrides;
        let verifier = idp.verifier();
        // One sandbox gateway for all functions, as one payment provider is.
        let sandbox = shared::payments::sandbox::SandboxGateway::default();
        let app_for = |binary: &str| -> anyhow::Result<App> {
            let mut env = stack.environments.get(binary).cloned().unwrap_or_default();
            env.extend(overrides.clone());
            let app = App::new(Config::from_lookup(|k| env.get(k).cloned()), sdk)?
                .with_jwt(verifier.clone());
            Ok(match app.payments {
                shared::payments::PaymentGateway::Sandbox(_) => {
                    app.with_payments(shared::payments::PaymentGateway::Sandbox(sandbox.clone()))
                }
                _ => app,
            })
        };
        let mut routes = Vec::new();
        let mut tasks = Vec::new();
        let mut jobs = HashMap::new();
        let mut pauses = HashMap::new();
        let websocket_binaries = stack
            .websocket
            .as_ref()
            .map(realtime::RealtimeGateway::binaries)
            .unwrap_or_default();
        let mut websocket_apps = HashMap::new();
        for function in &stack.functions {
            if websocket_binaries.contains(&function.binary) {
                websocket_apps.insert(function.binary.clone(), app_for(&function.binary)?);
            } else if let Some(endpoint) = Endpoint::from_name(&function.binary) {
                for r in &function.routes {
                    routes.push(Route::new(
                        &r.method,
                        &r.path,
                        r.public,
                        endpoint,
                        app_for(&function.binary)?,
                    ));
                }
            } else if let Some(worker) = Worker::from_name(&function.binary) {
                for queue in &function.queues {
                    let (url, arn) = stack.queues.get(queue).cloned().ok_or_else(|| {
                        anyhow!("{} reads unknown queue {queue}", function.logical_id)
                    })?;
                    let paused: &Arc<AtomicBool> = pauses
                        .entry(function.binary.clone())
                        .or_insert_with(|| Arc::new(AtomicBool::new(false)));
                    tasks.push(pollers::spawn(
                        worker,
                        app_for(&function.binary)?,
                        url,
                        arn,
                        paused.clone(),
                        faults.clone(),
                    ));
                }
            } else if streams::CONSUMERS.contains(&function.binary.as_str()) {
                for source in &function.streams {
                    let arn = stack.streams.get(&source.table).cloned().ok_or_else(|| {
                        anyhow!(
                            "{} reads the stream of {}, which has none",
                            function.logical_id,
                            source.table
                        )
                    })?;
                    let on_failure = match &source.on_failure {
                        Some(queue) => Some(
                            stack
                                .queues
                                .get(queue)
                                .map(|(url, _)| url.clone())
                                .ok_or_else(|| {
                                    anyhow!(
                                        "{} reports to unknown queue {queue}",
                                        function.logical_id
                                    )
                                })?,
                        ),
                        None => None,
                    };
                    let consumer =
                        streams::Consumer::new(&function.binary, app_for(&function.binary)?, sdk)?;
                    tasks.push(streams::spawn(
                        consumer,
                        aws_sdk_dynamodbstreams::Client::new(sdk),
                        arn,
                        source.clone(),
                        on_failure,
                        faults.clone(),
                    ));
                }
            } else if scheduler::JOBS.contains(&function.binary.as_str()) {
                for expression in &function.schedules {
                    let every = scheduler::interval(expression)?;
                    tasks.push(scheduler::spawn(
                        function.binary.clone(),
                        app_for(&function.binary)?,
                        every,
                    ));
                }
                jobs.insert(function.binary.clone(), app_for(&function.binary)?);
            } else {
                bail!(
                    "template.yaml declares {} but no handler is named so",
                    function.binary
                );
            }
        }
        for endpoint in Endpoint::ALL {
            if !stack.functions.iter().any(|f| f.binary == endpoint.name()) {
                bail!(
                    "endpoint {} has no function in template.yaml",
                    endpoint.name()
                );
            }
        }
        let app = app_for("checkout")?;
        let payments = sandbox.clone();
        // The template allows the deployed apps' origins (CloudFront's
        // domain, which does not exist here); locally the apps' loopback
        // origins take their place.
        let cors = stack.cors.clone().map(|mut cors| {
            cors.allow_origins = options.web_origins.clone();
            cors
        });
        let gateway = Gateway {
            routes,
            verifier,
            oidc: Arc::new(oidc::OidcProvider::new(
                idp.clone(),
                options.web_origins.clone(),
            )),
            cors,
            jobs: jobs.clone(),
            pauses: Arc::new(pauses),
        };
        let (addr, task) = gateway.serve(listen).await?;
        tasks.push(task);
        let mut realtime_url = None;
        if let Some((spec, listener, realtime_addr, url)) = realtime {
            let gateway = realtime::RealtimeGateway::new(spec, realtime_addr, &websocket_apps)?;
            tasks.push(gateway.serve(listener));
            realtime_url = Some(url);
        }
        Ok(Self {
            base_url: format!("http://{addr}"),
            addr,
            realtime_url,
            stack,
            app,
            payments,
            faults,
            jobs,
            tasks,
        })
    }
}
