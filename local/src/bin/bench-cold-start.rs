//! Cold-start benchmark: starts a function binary against a minimal Lambda
//! Runtime API on loopback, as the Lambda service would, and measures the
//! time from process start to its first response (init plus first invoke,
//! SDK clients included), and its peak memory. Prints figures; asserts none.
//!
//! `make bench` builds the release binaries for this machine and runs this:
//! it starts the emulator, provisions and seeds a stack from
//! `template.yaml`, and starts each function with the environment the
//! template gives it and its sample event from `events/`.
//!
//! Usage: bench-cold-start <directory of release binaries> <runs>

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, Mutex};

struct RuntimeApi {
    event: String,
    served: Mutex<bool>,
    done: mpsc::Sender<(Instant, u16)>,
}

async fn runtime_api(
    api: Arc<RuntimeApi>,
    request: Request<hyper::body::Incoming>,
) -> Response<Full<Bytes>> {
    let path = request.uri().path().to_string();
    if path.ends_with("/invocation/next") {
        let mut served = api.served.lock().await;
        if *served {
            // The function waits for its next event until it is stopped.
            drop(served);
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return Response::new(Full::new(Bytes::new()));
        }
        *served = true;
        return Response::builder()
            .header("lambda-runtime-aws-request-id", "bench-1")
            .header(
                "lambda-runtime-deadline-ms",
                (chrono::Utc::now().timestamp_millis() + 30_000).to_string(),
            )
            .header(
                "lambda-runtime-invoked-function-arn",
                "arn:aws:lambda:us-east-1:123456789012:function:bench",
            )
            .header(
                "lambda-runtime-trace-id",
                "Root=1-00000000-000000000000000000000000",
            )
            .body(Full::new(Bytes::from(api.event.clone())))
            .unwrap_or_default();
    }
    let body = request
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let status = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["statusCode"].as_u64())
        .unwrap_or(if path.ends_with("/error") { 500 } else { 200 }) as u16;
    let _ = api.done.send((Instant::now(), status)).await;
    Response::builder()
        .status(202)
        .body(Full::new(Bytes::new()))
        .unwrap_or_default()
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

async fn one_run(
    binary: &str,
    event: &str,
    env: &HashMap<String, String>,
) -> anyhow::Result<(Duration, u16, Option<u64>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (tx, mut rx) = mpsc::channel(1);
    let api = Arc::new(RuntimeApi {
        event: event.to_string(),
        served: Mutex::new(false),
        done: tx,
    });
    let server = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let api = api.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |r| {
                    let api = api.clone();
                    async move { Ok::<_, Infallible>(runtime_api(api, r).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    let started = Instant::now();
    let mut child = std::process::Command::new(binary)
        .envs(env)
        .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "bench")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_FORMAT", "JSON")
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::null())
        .spawn()
        .with_context(|| format!("starting {binary}"))?;
    let outcome = tokio::time::timeout(Duration::from_secs(30), rx.recv()).await;
    let rss = peak_rss_kib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    server.abort();
    match outcome {
        Ok(Some((at, status))) => Ok((at - started, status, rss)),
        _ => bail!("{binary} gave no response within 30 s"),
    }
}

/// Functions measured, each with its sample event.
const FUNCTIONS: &[&str] = &[
    "get-product",
    "list-products",
    "create-cart",
    "list-inventory",
    "get-my-order",
    "get-sales-report",
    "sales-analytics",
];

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, runs] = args.as_slice() else {
        bail!("usage: bench-cold-start <directory of release binaries> <runs>");
    };
    let runs: usize = runs.parse()?;
    let root = local::project_root()?;
    let emulator = local::Emulator::start(&root, 0).await?;
    let sdk = emulator.sdk_config().await;
    let idp = local::identity::LocalIdentityProvider::generate()?;
    let stack =
        local::LocalStack::start(&root, &sdk, "bench", "127.0.0.1:0".parse()?, &idp).await?;
    local::seed::seed_demo_catalog(&stack.app).await?;
    println!("cold start = process start to first response from a minimal Runtime API on loopback ({runs} runs each)");
    for function in FUNCTIONS {
        let binary = format!("{dir}/{function}");
        let event = std::fs::read_to_string(root.join("events").join(format!("{function}.json")))?;
        let mut env = stack
            .stack
            .environments
            .get(*function)
            .cloned()
            .unwrap_or_default();
        env.retain(|k, _| !k.starts_with("JWT_"));
        env.insert("AWS_ENDPOINT_URL".into(), emulator.endpoint.clone());
        env.insert("AWS_ACCESS_KEY_ID".into(), "testing".into());
        env.insert("AWS_SECRET_ACCESS_KEY".into(), "testing".into());
        env.insert("AWS_REGION".into(), "us-east-1".into());
        let size = std::fs::metadata(&binary)
            .with_context(|| format!("{binary} (run `make bench`)"))?
            .len();
        let mut times = Vec::new();
        let mut peak = 0;
        let mut statuses = std::collections::BTreeSet::new();
        for _ in 0..runs {
            let (elapsed, status, rss) = one_run(&binary, &event, &env).await?;
            times.push(elapsed);
            statuses.insert(status);
            peak = peak.max(rss.unwrap_or(0));
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{function:<16} binary {:>5.1} MiB  cold start min {:>6.1} ms  median {:>6.1} ms  max {:>6.1} ms  peak RSS {:>5.1} MiB  HTTP {:?}",
            size as f64 / 1_048_576.0,
            ms(times[0]),
            ms(times[times.len() / 2]),
            ms(times[times.len() - 1]),
            peak as f64 / 1024.0,
            statuses,
        );
    }
    Ok(())
}
