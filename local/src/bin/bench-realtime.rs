//! Real-time latency benchmark: from an order's status write to a WebSocket
//! client receiving the change, on the local stack.
//!
//! A customer opens the WebSocket the way the storefront does (a ticket
//! from `POST /realtime/tickets`, then `?ticket=`), and places orders
//! through the HTTP API with the sandbox Visa, one or a few at a time. Each order
//! goes PENDING → RESERVED → PAID → AWAITING_FULFILMENT through the real
//! workflow; every one of those writes stamps `updatedAt` (milliseconds)
//! just before it is sent, and the latency of a change is the time the
//! client receives it minus that stamp: the write, the stream, the
//! notifier's lookup and post, and the socket. Prints figures; asserts
//! nothing.
//!
//! Usage: bench-realtime [orders] [clients] (default 100 orders, 1 client)

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use futures::StreamExt;
use local::bench::ApiClient;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

const SKU: &str = "BENCH-LIVE";

/// Places an order of one mug as `token`'s customer; its id.
async fn place_order(api: &ApiClient, token: &str, n: usize) -> anyhow::Result<String> {
    use reqwest::Method;
    let token = Some(token);
    let cart = api.call(Method::POST, "/carts", token, None, &[]).await?;
    let cart = cart["cartId"].as_str().context("cartId")?.to_string();
    api.call(
        Method::POST,
        &format!("/carts/{cart}/items"),
        token,
        Some(json!({"sku": SKU, "quantity": 1})),
        &[],
    )
    .await?;
    let body = json!({
        "customer": {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "+15555550100"},
        "shippingAddress": {"line1": "1 Main St", "city": "Springfield", "region": "IL", "postalCode": "62701", "country": "US"},
        "payment": {"methodToken": "pm_card_visa"}
    });
    let placed = api
        .call(
            Method::POST,
            &format!("/carts/{cart}/checkout"),
            token,
            Some(body),
            &[("idempotency-key", format!("bench-{n}"))],
        )
        .await?;
    Ok(placed["orderId"].as_str().context("orderId")?.to_string())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let orders: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(100);
    let clients: usize = std::env::args()
        .nth(2)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(1);
    let root = local::project_root()?;
    let emulator = local::Emulator::start(&root, 0).await?;
    let sdk = emulator.sdk_config().await;
    let idp = local::identity::LocalIdentityProvider::generate()?;
    let stack =
        local::LocalStack::start(&root, &sdk, "bench-rt", "127.0.0.1:0".parse()?, &idp).await?;
    let api = ApiClient::new(&stack.base_url);
    let admin = idp.token("bench-admin", true, 3600)?;
    let customer = idp.token("bench-customer", false, 3600)?;
    api.call(
        reqwest::Method::POST,
        "/admin/products",
        Some(&admin),
        Some(json!({"sku": SKU, "name": "Benchmark mug", "price": {"amount": 1200, "currency": "USD"}})),
        &[],
    )
    .await?;
    api.call(
        reqwest::Method::POST,
        &format!("/admin/products/{SKU}/stock"),
        Some(&admin),
        Some(json!({"delta": orders as i64 + 10, "reason": "received"})),
        &[],
    )
    .await?;

    // The browser's side: a ticket, the socket, and a clock on arrival.
    let ticket = api
        .call(
            reqwest::Method::POST,
            "/realtime/tickets",
            Some(&customer),
            Some(json!({"scope": "customer"})),
            &[],
        )
        .await?;
    let url = format!(
        "{}?ticket={}",
        ticket["url"].as_str().context("url")?,
        ticket["ticket"].as_str().context("ticket")?
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await?;
    let latencies: Arc<Mutex<Vec<f64>>> = Arc::default();
    let finished: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    // BENCH_VERBOSE=1 prints every change slower than a second.
    let verbose = std::env::var_os("BENCH_VERBOSE").is_some();
    let reader = {
        let (latencies, finished) = (latencies.clone(), finished.clone());
        tokio::spawn(async move {
            while let Some(Ok(message)) = socket.next().await {
                let Message::Text(text) = message else {
                    continue;
                };
                let received = chrono::Utc::now();
                let Ok(change) = serde_json::from_str::<Value>(&text) else {
                    continue;
                };
                let status_change = change["changes"]
                    .as_array()
                    .is_some_and(|c| c.iter().any(|c| c == "placed" || c == "status"));
                let written = change["updatedAt"]
                    .as_str()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
                if let (true, Some(written)) = (status_change, written) {
                    let ms = (received - written.with_timezone(&chrono::Utc))
                        .num_microseconds()
                        .unwrap_or_default() as f64
                        / 1000.0;
                    latencies.lock().unwrap().push(ms);
                    if verbose && ms > 1000.0 {
                        eprintln!(
                            "slow: {ms:.0} ms for {} {} (written {})",
                            change["orderNumber"], change["status"], change["updatedAt"]
                        );
                    }
                    finished.lock().unwrap().insert(
                        change["orderId"].as_str().unwrap_or_default().to_string(),
                        change["status"].as_str().unwrap_or_default().to_string(),
                    );
                }
            }
        })
    };

    let started = Instant::now();
    let placed = futures::stream::iter(0..orders)
        .map(|n| {
            let (api, customer) = (&api, &customer);
            async move { place_order(api, customer, n).await }
        })
        .buffer_unordered(clients)
        .collect::<Vec<_>>()
        .await;
    let placed: Vec<String> = placed.into_iter().collect::<anyhow::Result<_>>()?;
    let placing = started.elapsed();

    // Every order waits for staff in the fulfilment queue at the end.
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let waiting = {
            let finished = finished.lock().unwrap();
            placed
                .iter()
                .filter(|id| finished.get(*id).map(String::as_str) != Some("AWAITING_FULFILMENT"))
                .count()
        };
        if waiting == 0 {
            break;
        }
        if Instant::now() > deadline {
            bail!("{waiting} orders did not reach AWAITING_FULFILMENT on the socket");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    reader.abort();
    let mut samples = latencies.lock().unwrap().clone();
    samples.sort_by(f64::total_cmp);
    println!(
        "real-time latency: status write -> WebSocket client, {} orders ({clients} at a time, placed in {:.1} s), {} status changes",
        placed.len(),
        placing.as_secs_f64(),
        samples.len()
    );
    println!(
        "  p50 {:>6.1} ms   p90 {:>6.1} ms   p99 {:>6.1} ms   max {:>6.1} ms",
        percentile(&samples, 50.0),
        percentile(&samples, 90.0),
        percentile(&samples, 99.0),
        samples.last().copied().unwrap_or(f64::NAN)
    );
    drop(stack);
    drop(emulator);
    Ok(())
}
