//! Cold-start benchmark: starts a function binary against a minimal Lambda
//! Runtime API on loopback, as the Lambda service would, and measures the
//! time from process start to its first response (init plus first invoke,
//! SDK clients included), its peak memory, and the CPU it used: at init,
//! and per warm invoke (the same event again, `WARM_INVOKES` times).
//! Prints figures; asserts none.
//!
//! CPU is the child's user + system time from `getrusage(RUSAGE_CHILDREN)`
//! around its end (microseconds, unlike `/proc`'s 10 ms ticks). A run
//! that serves one event gives init plus one invoke; a run that serves
//! `1 + WARM_INVOKES` gives the warm cost by difference:
//! `warm = (cpu(1 + n) - cpu(1)) / n` and `init = cpu(1) - warm`.
//!
//! `make bench` builds the release binaries for this machine and runs this:
//! it starts the emulator, provisions and seeds a stack from
//! `template.yaml`, and starts each function with the environment the
//! template gives it and its sample event from `events/`.
//!
//! Usage: bench-cold-start <directory of release binaries> <runs>
//!
//! `BENCH_FUNCTIONS=a,b` measures only those; `BENCH_WARM_INVOKES=n`
//! changes the 50; `BENCH_WRAPPER="valgrind --tool=callgrind"` starts each
//! function under that command (and stops it with SIGTERM, so a profiler
//! can write its output): instruction counts are stable where CPU time is
//! noisy.

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

/// Warm invokes per CPU run (`BENCH_WARM_INVOKES`).
fn warm_invokes() -> usize {
    std::env::var("BENCH_WARM_INVOKES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(50)
}

struct RuntimeApi {
    event: String,
    /// How many events to hand out before the function is left waiting.
    events: usize,
    served: Mutex<usize>,
    done: mpsc::Sender<(Instant, u16)>,
}

async fn runtime_api(
    api: Arc<RuntimeApi>,
    request: Request<hyper::body::Incoming>,
) -> Response<Full<Bytes>> {
    let path = request.uri().path().to_string();
    if path.ends_with("/invocation/next") {
        let mut served = api.served.lock().await;
        if *served >= api.events {
            // The function waits for its next event until it is stopped.
            drop(served);
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return Response::new(Full::new(Bytes::new()));
        }
        *served += 1;
        let id = format!("bench-{}", *served);
        return Response::builder()
            .header("lambda-runtime-aws-request-id", id)
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

/// User + system CPU of the children that ended and were waited for.
fn children_cpu() -> Duration {
    // SAFETY: an all-zero rusage is a valid value, and getrusage only
    // writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime))
}

/// One process serving `events` invocations: the time to its first
/// response, the last status, its peak RSS and the CPU it used.
async fn one_run(
    binary: &str,
    event: &str,
    env: &HashMap<String, String>,
    events: usize,
) -> anyhow::Result<(Duration, u16, Option<u64>, Duration)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (tx, mut rx) = mpsc::channel(events);
    let api = Arc::new(RuntimeApi {
        event: event.to_string(),
        events,
        served: Mutex::new(0),
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
    let wrapper = std::env::var("BENCH_WRAPPER").unwrap_or_default();
    let mut command = match wrapper.split_whitespace().collect::<Vec<_>>().split_first() {
        Some((program, args)) => {
            let mut c = std::process::Command::new(program);
            c.args(args).arg(binary);
            c
        }
        None => std::process::Command::new(binary),
    };
    let mut child = command
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
    let mut first = None;
    let mut last_status = 0;
    for _ in 0..events {
        let limit = if wrapper.is_empty() { 30 } else { 600 };
        match tokio::time::timeout(Duration::from_secs(limit), rx.recv()).await {
            Ok(Some((at, status))) => {
                first.get_or_insert(at - started);
                last_status = status;
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                bail!("{binary} gave no response within {limit} s");
            }
        }
    }
    let rss = peak_rss_kib(child.id());
    let before = children_cpu();
    if wrapper.is_empty() {
        let _ = child.kill();
    } else {
        // SAFETY: signalling our own child by its pid.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    }
    let _ = child.wait();
    let cpu = children_cpu().saturating_sub(before);
    server.abort();
    let first = first.unwrap_or_default();
    Ok((first, last_status, rss, cpu))
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
    let only = std::env::var("BENCH_FUNCTIONS").unwrap_or_default();
    let warm_invokes = warm_invokes();
    println!("init CPU and warm CPU per invoke = user + system time, from runs of 1 and of 1 + {warm_invokes} invokes (median of {runs} each)");
    for function in FUNCTIONS
        .iter()
        .filter(|f| only.is_empty() || only.split(',').any(|o| o == **f))
    {
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
        let mut cold_cpu = Vec::new();
        let mut warm_cpu = Vec::new();
        let mut peak = 0;
        let mut statuses = std::collections::BTreeSet::new();
        for _ in 0..runs {
            let (elapsed, status, rss, cpu) = one_run(&binary, &event, &env, 1).await?;
            times.push(elapsed);
            cold_cpu.push(cpu);
            statuses.insert(status);
            peak = peak.max(rss.unwrap_or(0));
            let (_, status, _, cpu) = one_run(&binary, &event, &env, 1 + warm_invokes).await?;
            warm_cpu.push(cpu);
            statuses.insert(status);
        }
        let median = |v: &mut Vec<Duration>| {
            v.sort();
            v[v.len() / 2]
        };
        let (one, many) = (median(&mut cold_cpu), median(&mut warm_cpu));
        let warm = many.saturating_sub(one) / warm_invokes as u32;
        let init = one.saturating_sub(warm);
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{function:<16} binary {:>5.1} MiB  cold start min {:>6.1} ms  median {:>6.1} ms  max {:>6.1} ms  init CPU {:>5.1} ms  warm CPU {:>5.2} ms/invoke  peak RSS {:>5.1} MiB  HTTP {:?}",
            size as f64 / 1_048_576.0,
            ms(times[0]),
            ms(times[times.len() / 2]),
            ms(times[times.len() - 1]),
            ms(init),
            ms(warm),
            peak as f64 / 1024.0,
            statuses,
        );
    }
    Ok(())
}
