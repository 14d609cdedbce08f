//! Load: many customers checking out at once on the local stack, then a
//! check that nothing was lost, oversold or charged wrongly.
//!
//! `clients` customers (each with their own token) work concurrently
//! through `checkouts` checkouts in all. Each checkout is what a shopper
//! does: create a cart, add one or two plentiful products and, in some
//! carts, one of three scarce ones (random quantities 1–3), then check out
//! with an `Idempotency-Key`. The scarce products have 20–50 units that
//! far more customers want, so many orders are REJECTED for stock (or
//! refused at the cart once none is available); every 25th customer pays
//! with a card the sandbox declines, so payments fail and their stock is
//! released; every 50th checkout is sent twice at once with one key (a
//! double click) and once more afterwards, which must give one order. The
//! shop fulfils automatically, so an accepted order ends SHIPPED, REJECTED
//! or PAYMENT_FAILED without staff. A customer whose checkout was accepted
//! watches the order's page (every 3 s) until it is done with, as a
//! shopper does, before buying again: at most 200 orders move at once.
//! (Customers who never waited would queue orders faster than the
//! emulator, one Python process on one core, runs their workflows; a
//! workflow message left waiting past its step's 120 s heartbeat is sent
//! again, and the backlog grows on itself. In AWS, Lambda adds pollers and
//! instances as a queue grows.)
//!
//! It prints the checkout request's latency (p50/p95/p99/max), the
//! throughput, every response by request and status code, the orders'
//! final statuses once every workflow has finished, and each invariant of
//! `local::invariants` read from the tables, plus the workflow executions'
//! outcomes and the dead-letter queues. It exits non-zero on any 5xx, any
//! accepted order that never reached a final status, or any violation.
//!
//! Throttling: `template.yaml` throttles the HTTP API (checkout at 25
//! requests/s, burst 50), but the local gateway does not enforce it; a 429
//! would be counted and retried after a pause with the same body and key,
//! as a client should.
//!
//! Usage: bench-load [checkouts] [clients] (default 1000 and 200);
//! `BENCH_SEED` picks the carts (default 1), `BENCH_LOG` the level of the
//! stack's logs on stderr (default error). The run stops if the emulator's
//! memory passes `BENCH_EMULATOR_MAX_MB` (default 8192).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use shared::domain::order::OrderStatus;
use shared::domain::product::Sku;

/// Products few customers can have: SKU, price, units in stock.
const SCARCE: [(&str, i64, i64); 3] = [
    ("LOAD-LAMP", 4_500, 20),
    ("LOAD-CLOCK", 7_900, 35),
    ("LOAD-VASE", 3_200, 50),
];
/// Products in plenty: SKU and price; stocked with three units per
/// checkout, more than a run can sell.
const PLENTIFUL: [(&str, i64); 4] = [
    ("LOAD-MUG", 1_200),
    ("LOAD-TEE", 2_500),
    ("LOAD-CAP", 1_800),
    ("LOAD-SOCKS", 900),
];
/// The share of carts that want a scarce product.
const SCARCE_WANTED: f64 = 0.4;
/// Every this-many-th customer pays with a card the sandbox declines.
const DECLINING_CUSTOMER: usize = 25;
/// Every this-many-th checkout is a double submit.
const DOUBLE_SUBMIT: usize = 50;
/// How long a customer's browser waits for an answer.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(120);
/// How often a request answered 429 is sent again.
const THROTTLE_RETRIES: u32 = 6;
/// How long the workflows may go without progress before the bench gives up.
const STALL: Duration = Duration::from_secs(300);
/// The longest the bench waits for every workflow to finish.
const SETTLE_LIMIT: Duration = Duration::from_secs(3600);

/// The statuses an order waits in while its workflow runs (not final).
const WAITING: [OrderStatus; 5] = [
    OrderStatus::Pending,
    OrderStatus::Backordered,
    OrderStatus::Reserved,
    OrderStatus::Paid,
    OrderStatus::AwaitingFulfilment,
];

/// What the bench saw of the HTTP API.
#[derive(Default)]
struct Tally {
    /// Responses by request and status code.
    statuses: BTreeMap<(&'static str, u16), u64>,
    /// Requests that got no response, by request.
    transport_errors: BTreeMap<&'static str, u64>,
    /// Every 5xx and transport error: request, status, body.
    failures: Vec<String>,
    /// The checkout request's latency (the first of a double submit).
    checkout_latency: Vec<Duration>,
    /// From the checkout's answer until the customer saw the order done
    /// with (or waiting for stock), to within `FOLLOW_EVERY`.
    order_completion: Vec<Duration>,
}

/// A response.
struct Reply {
    status: u16,
    body: Value,
    replayed: bool,
}

impl Reply {
    fn code(&self) -> String {
        self.body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

/// The HTTP API as the customers' browsers reach it, counting every answer.
struct Api {
    http: reqwest::Client,
    base: String,
    tally: Mutex<Tally>,
}

impl Api {
    fn tally(&self) -> std::sync::MutexGuard<'_, Tally> {
        self.tally.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// POSTs `body` to `path` as `token`'s holder; `kind` names the request
    /// in the counts. A 429 is counted and sent again after a pause.
    async fn post(
        &self,
        kind: &'static str,
        path: &str,
        token: &str,
        body: Option<&Value>,
        key: Option<&str>,
    ) -> anyhow::Result<Reply> {
        self.call(reqwest::Method::POST, kind, path, token, body, key)
            .await
    }

    /// GETs `path` as `token`'s holder, counted as `kind`.
    async fn get(&self, kind: &'static str, path: &str, token: &str) -> anyhow::Result<Reply> {
        self.call(reqwest::Method::GET, kind, path, token, None, None)
            .await
    }

    async fn call(
        &self,
        method: reqwest::Method,
        kind: &'static str,
        path: &str,
        token: &str,
        body: Option<&Value>,
        key: Option<&str>,
    ) -> anyhow::Result<Reply> {
        let mut attempt = 0;
        loop {
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.base))
                .bearer_auth(token);
            if let Some(body) = body {
                request = request
                    .header("content-type", "application/json")
                    .body(body.to_string());
            }
            if let Some(key) = key {
                request = request.header("idempotency-key", key);
            }
            let response = match request.send().await {
                Ok(r) => r,
                Err(e) => {
                    let e = anyhow::Error::from(e).context(format!("{kind} {path}"));
                    let mut tally = self.tally();
                    *tally.transport_errors.entry(kind).or_insert(0) += 1;
                    tally.failures.push(format!("no response: {e:#}"));
                    return Err(e);
                }
            };
            let status = response.status().as_u16();
            let replayed = response.headers().contains_key("idempotent-replayed");
            let text = response.text().await.unwrap_or_default();
            let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
            {
                let mut tally = self.tally();
                *tally.statuses.entry((kind, status)).or_insert(0) += 1;
                if status >= 500 {
                    tally
                        .failures
                        .push(format!("{kind} {path}: {status} {body}"));
                }
            }
            if status == 429 && attempt < THROTTLE_RETRIES {
                tokio::time::sleep(Duration::from_millis(100 << attempt)).await;
                attempt += 1;
                continue;
            }
            return Ok(Reply {
                status,
                body,
                replayed,
            });
        }
    }
}

struct Customer {
    token: String,
    email: String,
    card: &'static str,
}

/// What became of one checkout.
enum Outcome {
    /// 202: the order's id.
    Accepted(String),
    /// The checkout was answered with an error: its status and code.
    Refused(u16, String),
    /// The checkout got no answer: the cart may or may not be an order.
    Unanswered,
    /// A step before checkout went wrong.
    Failed(String),
}

/// A double submit: what each of the two concurrent requests and the
/// later repeat answered (status, order id).
struct DoubleSubmit {
    pair: [(u16, Option<String>); 2],
    repeat: (u16, Option<String>, bool),
}

impl DoubleSubmit {
    /// The one order the key gave (none yet when nothing said so), or
    /// why the answers disagree. Each of the pair may be answered 202 with
    /// the order, 409 (the other is placing it) or not at all (the client
    /// gave up). Once one of them gave the order, the repeat must replay
    /// it; when neither did, the repeat may place it or find it in
    /// progress (409). That the cart became one order at most is the
    /// invariant "no cart was checked out twice".
    fn order(&self) -> Result<Option<String>, String> {
        let ids: BTreeSet<&String> = self.pair.iter().filter_map(|(_, id)| id.as_ref()).collect();
        let odd = self
            .pair
            .iter()
            .any(|(status, _)| ![202, 409, 0].contains(status));
        let unanswered = self.pair.iter().any(|(status, _)| *status == 0);
        let disagree = || Err(format!("answers {:?}, then {:?}", self.pair, self.repeat));
        if odd || ids.len() > 1 {
            return disagree();
        }
        match (ids.iter().next(), &self.repeat) {
            (Some(id), (202, Some(again), true)) if *id == again => Ok(Some(again.clone())),
            (None, (202, Some(again), _)) => Ok(Some(again.clone())),
            (None, (409, None, _)) if unanswered => Ok(None),
            _ => disagree(),
        }
    }
}

struct Checkout {
    /// The cart, once created.
    cart: Option<String>,
    outcome: Outcome,
    double: Option<DoubleSubmit>,
    /// Lines the cart refused (409: not enough available).
    lines_refused: u64,
}

fn order_id(reply: &Reply) -> Option<String> {
    (reply.status == 202)
        .then(|| reply.body["orderId"].as_str().map(str::to_string))
        .flatten()
}

/// Creates the cart (recorded in `done`) and adds `lines`, counting those
/// refused for stock; the cart's id, or what went wrong.
async fn fill_cart(
    api: &Api,
    token: &str,
    lines: Vec<(&str, u32)>,
    done: &mut Checkout,
) -> Result<String, String> {
    let failed = |e: anyhow::Error| format!("{e:#}");
    let r = api
        .post("POST /carts", "/carts", token, None, None)
        .await
        .map_err(failed)?;
    if r.status != 201 {
        return Err(format!("creating a cart: {} {}", r.status, r.body));
    }
    let cart = r.body["cartId"]
        .as_str()
        .ok_or_else(|| format!("a cart without an id: {}", r.body))?
        .to_string();
    done.cart = Some(cart.clone());
    let mut added = 0;
    for (sku, quantity) in lines {
        let body = json!({"sku": sku, "quantity": quantity});
        let r = api
            .post(
                "POST /carts/{id}/items",
                &format!("/carts/{cart}/items"),
                token,
                Some(&body),
                None,
            )
            .await
            .map_err(failed)?;
        match r.status {
            200 => added += 1,
            // Not that many left: the shopper goes on without it.
            409 if r.code() == "insufficient_stock" => done.lines_refused += 1,
            _ => return Err(format!("adding {sku}: {} {}", r.status, r.body)),
        }
    }
    if added == 0 {
        return Err("no line could be added".into());
    }
    Ok(cart)
}

/// One customer's checkout number `n`: cart, lines, checkout.
async fn checkout(api: &Api, customer: &Customer, n: usize, seed: u64) -> Checkout {
    let mut rng = StdRng::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(n as u64));
    let plentiful = rng.gen_range(1..=2);
    let mut lines: Vec<(&str, u32)> = PLENTIFUL
        .choose_multiple(&mut rng, plentiful)
        .map(|(sku, _)| *sku)
        .collect::<Vec<_>>()
        .into_iter()
        .map(|sku| (sku, rng.gen_range(1..=3)))
        .collect();
    if rng.gen_bool(SCARCE_WANTED) {
        let (sku, _, _) = SCARCE[rng.gen_range(0..SCARCE.len())];
        lines.push((sku, rng.gen_range(1..=3)));
    }
    lines.shuffle(&mut rng);
    let mut done = Checkout {
        cart: None,
        outcome: Outcome::Failed(String::new()),
        double: None,
        lines_refused: 0,
    };
    let token = &customer.token;
    let cart = match fill_cart(api, token, lines, &mut done).await {
        Ok(cart) => cart,
        Err(why) => {
            done.outcome = Outcome::Failed(why);
            return done;
        }
    };
    let body = json!({
        "customer": {"name": "Load Tester", "email": customer.email, "phone": "+15555550100"},
        "shippingAddress": {"line1": "1 Main St", "city": "Springfield", "region": "IL", "postalCode": "62701", "country": "US"},
        "payment": {"methodToken": customer.card}
    });
    let key = format!("load-{n}");
    let path = format!("/carts/{cart}/checkout");
    let request = Submit {
        api,
        path: &path,
        token,
        body: &body,
        key: &key,
    };
    if n % DOUBLE_SUBMIT == DOUBLE_SUBMIT - 1 {
        let (outcome, double) = request.twice().await;
        (done.outcome, done.double) = (outcome, Some(double));
        return done;
    }
    let started = Instant::now();
    let reply = request.send(CHECKOUT).await;
    api.tally().checkout_latency.push(started.elapsed());
    done.outcome = match reply {
        Ok(r) if r.status == 202 => match order_id(&r) {
            Some(id) => Outcome::Accepted(id),
            None => Outcome::Failed(format!("a 202 without an order id: {}", r.body)),
        },
        Ok(r) => Outcome::Refused(r.status, r.code()),
        Err(_) => Outcome::Unanswered,
    };
    done
}

const CHECKOUT: &str = "POST /carts/{id}/checkout";

/// How often a customer looks at their order's page while it moves.
const FOLLOW_EVERY: Duration = Duration::from_secs(3);
/// How long a customer watches an order before going on shopping.
const FOLLOW_LIMIT: Duration = Duration::from_secs(900);

/// The customer watches their order's page until the workflow has done
/// with it (or it waits for stock), as a shopper does before buying again;
/// the time from the checkout's answer to then is counted.
async fn follow(api: &Api, customer: &Customer, id: &str, n: usize) {
    let started = Instant::now();
    let path = format!("/orders/{id}");
    // Spread the customers' looks over the interval.
    let offset = Duration::from_millis((n as u64 * 389) % 1_000);
    tokio::time::sleep(offset).await;
    while started.elapsed() < FOLLOW_LIMIT {
        tokio::time::sleep(FOLLOW_EVERY).await;
        let Ok(reply) = api.get("GET /orders/{id}", &path, &customer.token).await else {
            continue;
        };
        let moving = reply.body["status"]
            .as_str()
            .and_then(OrderStatus::parse)
            .is_some_and(|s| WAITING.contains(&s) && s != OrderStatus::Backordered);
        if reply.status == 200 && !moving {
            api.tally().order_completion.push(started.elapsed());
            return;
        }
    }
}

/// One checkout request, ready to send.
struct Submit<'a> {
    api: &'a Api,
    path: &'a str,
    token: &'a str,
    body: &'a Value,
    key: &'a str,
}

impl Submit<'_> {
    async fn send(&self, kind: &'static str) -> anyhow::Result<Reply> {
        self.api
            .post(kind, self.path, self.token, Some(self.body), Some(self.key))
            .await
    }

    /// A double click: the request twice at once (the first one timed),
    /// then once more after both were answered.
    async fn twice(&self) -> (Outcome, DoubleSubmit) {
        let started = Instant::now();
        let timed = async {
            let reply = self.send(CHECKOUT).await;
            (reply, started.elapsed())
        };
        let ((a, took), b) = futures::join!(timed, self.send(CHECKOUT));
        self.api.tally().checkout_latency.push(took);
        let repeat = self.send("POST /carts/{id}/checkout (repeat)").await;
        let answer = |r: &anyhow::Result<Reply>| match r {
            Ok(r) => (r.status, order_id(r)),
            Err(_) => (0, None),
        };
        let double = DoubleSubmit {
            pair: [answer(&a), answer(&b)],
            repeat: match &repeat {
                Ok(r) => (r.status, order_id(r), r.replayed),
                Err(_) => (0, None, false),
            },
        };
        // Whatever the answers, any order the key gave was accepted.
        let given = double.order().ok().flatten().or_else(|| {
            double
                .pair
                .iter()
                .find_map(|(_, id)| id.clone())
                .or_else(|| double.repeat.1.clone())
        });
        let outcome = match (given, a) {
            (Some(id), _) => Outcome::Accepted(id),
            (None, Ok(a)) if a.status != 409 => Outcome::Refused(a.status, a.code()),
            _ => Outcome::Unanswered,
        };
        (outcome, double)
    }
}

/// Executions of the workflow in `status`: name (the order id), ARN and
/// status. moto refuses a page token once the list changed under it, so a
/// listing that fails so is started again.
async fn executions(
    sfn: &aws_sdk_sfn::Client,
    workflow: &str,
    status: Option<aws_sdk_sfn::types::ExecutionStatus>,
) -> anyhow::Result<Vec<(String, String, aws_sdk_sfn::types::ExecutionStatus)>> {
    let mut attempt = 0;
    'listing: loop {
        let mut pages = sfn
            .list_executions()
            .state_machine_arn(workflow)
            .set_status_filter(status.clone())
            .into_paginator()
            .items()
            .send();
        let mut out = Vec::new();
        while let Some(execution) = pages.next().await {
            match execution {
                Ok(e) => out.push((
                    e.name().to_string(),
                    e.execution_arn().to_string(),
                    e.status().clone(),
                )),
                Err(e) if attempt < 10 => {
                    tracing::debug!(error = %aws_sdk_sfn::error::DisplayErrorContext(&e), "listing executions again");
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue 'listing;
                }
                Err(e) => return Err(e.into()),
            }
        }
        return Ok(out);
    }
}

/// Messages in each of `queues` (visible, in flight or delayed), for
/// those that hold any.
async fn backlog(
    sqs: &aws_sdk_sqs::Client,
    queues: &[(String, String)],
) -> anyhow::Result<Vec<(String, u64)>> {
    use aws_sdk_sqs::types::QueueAttributeName as Attribute;
    let mut out = Vec::new();
    for (id, url) in queues {
        let attributes = sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(Attribute::ApproximateNumberOfMessages)
            .attribute_names(Attribute::ApproximateNumberOfMessagesNotVisible)
            .attribute_names(Attribute::ApproximateNumberOfMessagesDelayed)
            .send()
            .await
            .with_context(|| format!("reading the attributes of {id}"))?;
        let messages: u64 = attributes
            .attributes()
            .map(|a| a.values().filter_map(|v| v.parse::<u64>().ok()).sum())
            .unwrap_or(0);
        if messages > 0 {
            out.push((id.clone(), messages));
        }
    }
    Ok(out)
}

/// Waits until the stack is idle: no workflow execution runs and the
/// workers' queues are empty, twice in a row (a worker may still act on a
/// message of an execution that has ended). It asks Step Functions and SQS
/// only: counting orders by status would query DynamoDB, which moto
/// answers by scanning and copying the whole table inside its one DynamoDB
/// lock, and would slow the workflows it waits for. Gives up after
/// `STALL` without progress. How long it took, and whether it got idle.
async fn settle(
    sfn: &aws_sdk_sfn::Client,
    workflow: &str,
    sqs: &aws_sdk_sqs::Client,
    queues: &[(String, String)],
) -> anyhow::Result<(Duration, bool)> {
    let started = Instant::now();
    let (mut least, mut progressed, mut said) = (u64::MAX, Instant::now(), Instant::now());
    let mut quiet = 0;
    loop {
        let running = executions(
            sfn,
            workflow,
            Some(aws_sdk_sfn::types::ExecutionStatus::Running),
        )
        .await?
        .len() as u64;
        let queued = backlog(sqs, queues).await?;
        let messages: u64 = queued.iter().map(|(_, n)| n).sum();
        quiet = if running + messages == 0 {
            quiet + 1
        } else {
            0
        };
        if quiet == 2 {
            return Ok((started.elapsed(), true));
        }
        if running + messages < least {
            (least, progressed) = (running + messages, Instant::now());
        }
        let waiting = || {
            let queues: Vec<String> = queued.iter().map(|(q, n)| format!("{q} {n}")).collect();
            format!(
                "{running} executions running, messages queued: {}",
                queues.join(", ")
            )
        };
        if progressed.elapsed() > STALL || started.elapsed() > SETTLE_LIMIT {
            eprintln!("settling: gave up with {}", waiting());
            return Ok((started.elapsed(), false));
        }
        if said.elapsed() > Duration::from_secs(15) {
            eprintln!(
                "settling: {} ({:.0} s)",
                waiting(),
                started.elapsed().as_secs_f64()
            );
            said = Instant::now();
        }
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
}

/// An execution's history in short: the states it entered, and what
/// failed or timed out on the way.
async fn execution_story(sfn: &aws_sdk_sfn::Client, arn: &str) -> anyhow::Result<String> {
    use aws_sdk_sfn::types::HistoryEventType as Event;
    let mut events = sfn
        .get_execution_history()
        .execution_arn(arn)
        .into_paginator()
        .items()
        .send();
    let said =
        |what: &str, error: Option<&str>| Some(format!("[{what}: {}]", error.unwrap_or_default()));
    let mut story = Vec::new();
    while let Some(event) = events.next().await {
        let event = event?;
        let step = match event.r#type() {
            Event::TaskStateEntered | Event::ChoiceStateEntered | Event::FailStateEntered => event
                .state_entered_event_details()
                .map(|d| d.name().to_string()),
            Event::TaskTimedOut => said(
                "timed out",
                event.task_timed_out_event_details().and_then(|d| d.error()),
            ),
            Event::TaskFailed => said(
                "failed",
                event.task_failed_event_details().and_then(|d| d.error()),
            ),
            Event::ExecutionFailed => said(
                "execution failed",
                event
                    .execution_failed_event_details()
                    .and_then(|d| d.error()),
            ),
            _ => None,
        };
        story.extend(step);
    }
    Ok(story.join(" > "))
}

/// The resident memory of process `pid` in MB.
fn resident_mb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
    Some(
        kb.trim()
            .trim_end_matches("kB")
            .trim()
            .parse::<u64>()
            .ok()?
            / 1024,
    )
}

/// Samples the emulator's memory every second, keeping its peak in `peak`;
/// returns (ending the run) once it passes `limit_mb`: on a shared
/// machine a runaway emulator must not take the memory others use.
async fn watch_memory(pid: u32, limit_mb: u64, peak: &AtomicU64) -> u64 {
    loop {
        if let Some(mb) = resident_mb(pid) {
            peak.fetch_max(mb, Ordering::Relaxed);
            if mb > limit_mb {
                return mb;
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

/// Prints a check as OK or violated (with its first violations); whether it held.
fn report(name: &str, violations: &[String]) -> bool {
    if violations.is_empty() {
        println!("  OK        {name}");
        return true;
    }
    println!("  VIOLATED  {name} ({} cases)", violations.len());
    for v in violations.iter().take(8) {
        println!("              {v}");
    }
    false
}

fn init_logs() {
    let level = std::env::var("BENCH_LOG")
        .ok()
        .and_then(|l| l.parse().ok())
        .unwrap_or(lambda_runtime::tracing::Level::ERROR);
    let _ = lambda_runtime::tracing::subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .try_init();
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let checkouts: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(1000);
    let clients: usize = args
        .next()
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(200)
        .max(1);
    let seed: u64 = std::env::var("BENCH_SEED")
        .ok()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(1);
    init_logs();

    let root = local::project_root()?;
    let emulator = local::Emulator::start(&root, 0).await?;
    let sdk = emulator.sdk_config().await;
    let idp = local::identity::LocalIdentityProvider::generate()?;
    let overrides = [("FULFILMENT_MODE".to_string(), "AUTOMATIC".to_string())].into();
    let stack = local::LocalStack::start_with(
        &root,
        &sdk,
        "bench-load",
        "127.0.0.1:0".parse()?,
        &idp,
        &overrides,
    )
    .await?;
    let store = stack.app.store();
    let sfn = aws_sdk_sfn::Client::new(&sdk);
    let workflow = stack.app.config.order_workflow_arn.clone();
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let (dead_letter_queues, worker_queues): (Vec<_>, Vec<_>) = stack
        .stack
        .queues
        .iter()
        .map(|(id, (url, _))| (id.clone(), url.clone()))
        .partition(|(id, _)| id.ends_with("DeadLetterQueue"));
    let api = Api {
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(clients + 8)
            .timeout(CLIENT_TIMEOUT)
            .build()?,
        base: stack.base_url.clone(),
        tally: Mutex::default(),
    };

    // The catalog, stocked through the admin API.
    let admin = idp.token("load-admin", true, 7200)?;
    let plenty = checkouts as i64 * 3;
    let catalog: Vec<(&str, i64, i64)> = SCARCE
        .iter()
        .copied()
        .chain(PLENTIFUL.iter().map(|(sku, price)| (*sku, *price, plenty)))
        .collect();
    let mut received = BTreeMap::new();
    for (sku, price, stock) in &catalog {
        let product = json!({"sku": sku, "name": format!("Load {sku}"), "price": {"amount": price, "currency": "USD"}});
        let r = api
            .post(
                "POST /admin/products",
                "/admin/products",
                &admin,
                Some(&product),
                None,
            )
            .await?;
        if r.status != 201 {
            bail!("creating {sku}: {} {}", r.status, r.body);
        }
        let receipt = json!({"delta": stock, "reason": "received"});
        let r = api
            .post(
                "POST /admin/products/{sku}/stock",
                &format!("/admin/products/{sku}/stock"),
                &admin,
                Some(&receipt),
                None,
            )
            .await?;
        if r.status != 200 {
            bail!("stocking {sku}: {} {}", r.status, r.body);
        }
        received.insert(Sku::parse(sku)?, *stock);
    }
    let customers: Vec<Customer> = (0..clients)
        .map(|i| {
            Ok(Customer {
                token: idp.token(&format!("load-customer-{i}"), false, 7200)?,
                email: format!("load-customer-{i}@example.com"),
                card: if i % DECLINING_CUSTOMER == DECLINING_CUSTOMER - 1 {
                    "pm_card_chargeDeclined"
                } else {
                    "pm_card_visa"
                },
            })
        })
        .collect::<anyhow::Result<_>>()?;

    // The load: every customer checks out again as soon as the last ended;
    // then the workflows finish and the stack is idle. Meanwhile the
    // emulator's memory is watched.
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(checkouts));
    let started = Instant::now();
    let progress = async {
        loop {
            tokio::time::sleep(Duration::from_secs(30)).await;
            eprintln!(
                "load: {} of {checkouts} checkouts done ({:.0} s)",
                results.lock().unwrap_or_else(|e| e.into_inner()).len(),
                started.elapsed().as_secs_f64()
            );
        }
    };
    let load = async {
        let customers = futures::future::join_all(customers.iter().map(|customer| async {
            loop {
                let n = next.fetch_add(1, Ordering::SeqCst);
                if n >= checkouts {
                    break;
                }
                let done = checkout(&api, customer, n, seed).await;
                let placed = match &done.outcome {
                    Outcome::Accepted(id) => Some(id.clone()),
                    _ => None,
                };
                results.lock().unwrap_or_else(|e| e.into_inner()).push(done);
                if let Some(id) = placed {
                    follow(&api, customer, &id, n).await;
                }
            }
        }));
        tokio::select! {
            _ = customers => {}
            _ = progress => {}
        }
        let took = started.elapsed();
        eprintln!("load: {checkouts} checkouts in {:.0} s", took.as_secs_f64());
        let (settling, settled) = settle(&sfn, &workflow, &sqs, &worker_queues).await?;
        anyhow::Ok((took, settling, settled))
    };
    let memory_limit: u64 = std::env::var("BENCH_EMULATOR_MAX_MB")
        .ok()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(8192);
    let peak = AtomicU64::new(0);
    let (took, settling, settled) = tokio::select! {
        done = load => done?,
        used = watch_memory(emulator.pid(), memory_limit, &peak) => {
            let done = results.lock().unwrap_or_else(|e| e.into_inner()).len();
            let failures = api.tally().failures.clone();
            for f in failures.iter().take(10) {
                eprintln!("  {f}");
            }
            drop(stack);
            drop(emulator);
            bail!(
                "stopped: the emulator used {used} MB (limit {memory_limit} MB, BENCH_EMULATOR_MAX_MB) \
                 after {done} of {checkouts} checkouts in {:.0} s ({} 5xx or unanswered so far, above)",
                started.elapsed().as_secs_f64(),
                failures.len()
            );
        }
    };
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());

    let mut accepted = BTreeSet::new();
    let mut unanswered_carts = BTreeSet::new();
    let mut refused: BTreeMap<(u16, String), u64> = BTreeMap::new();
    let mut failed = Vec::new();
    let (mut doubles, mut double_failures) = (0, Vec::new());
    let mut lines_refused = 0;
    for r in &results {
        lines_refused += r.lines_refused;
        match &r.outcome {
            Outcome::Accepted(id) => {
                accepted.insert(id.clone());
            }
            Outcome::Refused(status, code) => {
                *refused.entry((*status, code.clone())).or_insert(0) += 1
            }
            Outcome::Unanswered => {}
            Outcome::Failed(why) => failed.push(why.clone()),
        }
        let unanswered = matches!(r.outcome, Outcome::Unanswered)
            || r.double
                .as_ref()
                .is_some_and(|d| d.pair.iter().any(|(status, _)| *status == 0));
        if let (true, Some(cart)) = (unanswered, &r.cart) {
            unanswered_carts.insert(cart.clone());
        }
        if let Some(double) = &r.double {
            doubles += 1;
            if let Err(why) = double.order() {
                double_failures.push(why);
            }
            // Every order a double submit was answered with is one the bench knows of.
            let answers = double
                .pair
                .iter()
                .map(|(_, id)| id)
                .chain([&double.repeat.1]);
            for id in answers.flatten().cloned() {
                accepted.insert(id);
            }
        }
    }

    let snapshot = local::invariants::Snapshot::read(&store, Some(&stack.payments)).await?;
    let expected = local::invariants::Expected {
        received: received.clone(),
        accepted: Some(accepted.clone()),
        unanswered_carts: unanswered_carts.clone(),
    };
    let invariants = local::invariants::evaluate(&snapshot, &expected);
    let status_of: BTreeMap<&str, OrderStatus> = snapshot
        .orders
        .iter()
        .map(|o| (o.order_id.as_str(), o.status))
        .collect();
    // The orders to follow: those accepted, and those placed by a checkout
    // whose answer never came (the customer's money is at stake all the same).
    let placed_unanswered: BTreeSet<String> = snapshot
        .orders
        .iter()
        .filter(|o| unanswered_carts.contains(&o.cart_id) && !accepted.contains(&o.order_id))
        .map(|o| o.order_id.clone())
        .collect();
    let followed: BTreeSet<&String> = accepted.iter().chain(&placed_unanswered).collect();
    let mut finals: BTreeMap<&str, u64> = BTreeMap::new();
    let mut lost = Vec::new();
    for id in &followed {
        match status_of.get(id.as_str()) {
            Some(s) if !WAITING.contains(s) => *finals.entry(s.as_str()).or_insert(0) += 1,
            Some(s) => lost.push(format!("{id}: still {}", s.as_str())),
            None => lost.push(format!("{id}: not in the Orders table")),
        }
    }

    // Each order's workflow ended the way its status says.
    use aws_sdk_sfn::types::ExecutionStatus;
    let runs = executions(&sfn, &workflow, None).await?;
    let mut outcomes: BTreeMap<String, u64> = BTreeMap::new();
    let mut workflow_violations = Vec::new();
    let mut runs_of: BTreeMap<&str, u64> = BTreeMap::new();
    for (name, arn, status) in &runs {
        *runs_of.entry(name).or_insert(0) += 1;
        let error = if *status == ExecutionStatus::Failed {
            sfn.describe_execution()
                .execution_arn(arn)
                .send()
                .await?
                .error()
                .unwrap_or_default()
                .to_string()
        } else {
            String::new()
        };
        let outcome = format!(
            "{}{}",
            status.as_str(),
            if error.is_empty() {
                String::new()
            } else {
                format!(" {error}")
            }
        );
        *outcomes.entry(outcome.clone()).or_insert(0) += 1;
        let expected = match status_of.get(name.as_str()) {
            Some(OrderStatus::Shipped) => "SUCCEEDED",
            Some(OrderStatus::Rejected) => "FAILED OutOfStock",
            Some(OrderStatus::PaymentFailed) => "FAILED PaymentDeclined",
            Some(OrderStatus::Cancelled) => "FAILED OrderCancelled",
            Some(other) => other.as_str(),
            None => "an order",
        };
        if outcome != expected {
            workflow_violations.push(format!("{name}: {outcome}, expected {expected}"));
        }
    }
    for id in &followed {
        match runs_of.get(id.as_str()) {
            Some(1) => {}
            Some(n) => workflow_violations.push(format!("{id}: {n} executions")),
            None => workflow_violations.push(format!("{id}: no execution")),
        }
    }

    // Nothing ended in a dead-letter queue.
    let dead_letters: Vec<String> = backlog(&sqs, &dead_letter_queues)
        .await?
        .into_iter()
        .map(|(id, n)| format!("{id}: {n} messages"))
        .collect();

    // Why the first orders that did not end as they should did not.
    let arn_of: BTreeMap<&str, &str> = runs
        .iter()
        .map(|(name, arn, _)| (name.as_str(), arn.as_str()))
        .collect();
    let mut explained = Vec::new();
    for id in lost
        .iter()
        .chain(&workflow_violations)
        .filter_map(|l| l.split(':').next())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .take(3)
    {
        let Some(order) = snapshot.orders.iter().find(|o| o.order_id == id) else {
            continue;
        };
        let history: Vec<String> = order
            .status_history
            .iter()
            .map(|c| match &c.reason {
                Some(r) => format!("{} ({r})", c.status.as_str()),
                None => c.status.as_str().to_string(),
            })
            .collect();
        let workflow = match arn_of.get(id) {
            Some(arn) => execution_story(&sfn, arn).await?,
            None => "no execution".into(),
        };
        explained.push(format!(
            "{id}: {}, stock {:?}\n      statuses: {}\n      workflow: {workflow}",
            order.status.as_str(),
            order.stock_state,
            history.join(" > ")
        ));
    }

    // The figures.
    let tally = api.tally.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut latency = tally.checkout_latency.clone();
    latency.sort();
    println!(
        "bench-load: {checkouts} checkouts by {clients} concurrent customers (seed {seed}) on the local stack (moto), {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "stock: {} (scarce); {} {plenty} units each",
        SCARCE
            .iter()
            .map(|(sku, _, stock)| format!("{sku} {stock}"))
            .collect::<Vec<_>>()
            .join(", "),
        PLENTIFUL
            .iter()
            .map(|(sku, _)| *sku)
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "checkouts: {} in {:.1} s, {:.2} checkouts/s; {} accepted (202), {} refused, {} unanswered in {} s ({} of them placed all the same), {} failed before checkout",
        results.len(),
        took.as_secs_f64(),
        results.len() as f64 / took.as_secs_f64(),
        results.iter().filter(|r| matches!(r.outcome, Outcome::Accepted(_))).count(),
        refused.values().sum::<u64>(),
        results.iter().filter(|r| matches!(r.outcome, Outcome::Unanswered)).count(),
        CLIENT_TIMEOUT.as_secs(),
        placed_unanswered.len(),
        failed.len()
    );
    for ((status, code), n) in &refused {
        println!("  refused {status} {code}: {n}");
    }
    for why in failed.iter().take(8) {
        println!("  failed: {why}");
    }
    println!(
        "checkout latency (POST /carts/{{id}}/checkout, {} requests): p50 {:.0} ms, p95 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        latency.len(),
        percentile(&latency, 50.0),
        percentile(&latency, 95.0),
        percentile(&latency, 99.0),
        percentile(&latency, 100.0)
    );
    let mut completion = tally.order_completion.clone();
    completion.sort();
    println!(
        "order completion (checkout answered to the customer seeing it done, looking every {} s; {} orders): p50 {:.1} s, p95 {:.1} s, p99 {:.1} s, max {:.1} s",
        FOLLOW_EVERY.as_secs(),
        completion.len(),
        percentile(&completion, 50.0) / 1000.0,
        percentile(&completion, 95.0) / 1000.0,
        percentile(&completion, 99.0) / 1000.0,
        percentile(&completion, 100.0) / 1000.0
    );
    println!("cart lines refused for stock (409 insufficient_stock): {lines_refused}");
    println!("responses by request and status:");
    for ((kind, status), n) in &tally.statuses {
        println!("  {kind:<38} {status}  {n:>6}");
    }
    let total: u64 = tally.statuses.values().sum();
    let server_errors: u64 = tally
        .statuses
        .iter()
        .filter(|((_, s), _)| *s >= 500)
        .map(|(_, n)| n)
        .sum();
    let throttled: u64 = tally
        .statuses
        .iter()
        .filter(|((_, s), _)| *s == 429)
        .map(|(_, n)| n)
        .sum();
    let transport: u64 = tally.transport_errors.values().sum();
    println!(
        "  all: {total} responses; 5xx: {server_errors}; 429: {throttled} (the local gateway does not throttle); no response: {transport}"
    );
    for f in tally.failures.iter().take(10) {
        println!("    {f}");
    }
    println!(
        "double submits (one key sent twice at once, then again): {doubles}, {} gave one order",
        doubles - double_failures.len()
    );
    println!(
        "settled: {} after {:.1} s; final statuses: {}; lost: {}",
        if settled {
            "every workflow finished"
        } else {
            "NOT every workflow finished"
        },
        settling.as_secs_f64(),
        finals
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        lost.len()
    );
    for l in lost.iter().take(8) {
        println!("  lost: {l}");
    }
    for e in &explained {
        println!("  {e}");
    }
    println!(
        "workflow executions: {}",
        outcomes
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "emulator (moto) peak memory during the load: {} MB",
        peak.load(Ordering::Relaxed)
    );
    println!("stock after the run:");
    println!(
        "  {:<12} {:>8} {:>8} {:>8} {:>8} {:>9}",
        "sku", "received", "shipped", "on hand", "reserved", "available"
    );
    for p in &snapshot.products {
        let shipped: i64 = snapshot
            .orders
            .iter()
            .filter(|o| o.stock_state == shared::domain::order::StockState::Committed)
            .flat_map(|o| &o.lines)
            .filter(|l| l.sku == p.sku)
            .map(|l| i64::from(l.quantity))
            .sum();
        println!(
            "  {:<12} {:>8} {:>8} {:>8} {:>8} {:>9}",
            p.sku.as_str(),
            snapshot.ledger.get(&p.sku).copied().unwrap_or(0),
            shipped,
            p.on_hand,
            p.reserved,
            p.available
        );
    }
    println!("checks:");
    let mut ok = report(
        "no 5xx on any request, every request answered",
        &tally.failures,
    );
    ok &= report("every accepted order reached a final status", &lost);
    ok &= report("a double submit gives one order", &double_failures);
    ok &= report(
        "each order's workflow ended as its status says",
        &workflow_violations,
    );
    ok &= report(
        &format!(
            "the {} dead-letter queues are empty",
            dead_letter_queues.len()
        ),
        &dead_letters,
    );
    for invariant in &invariants {
        ok &= report(invariant.name, &invariant.violations);
    }
    drop(stack);
    drop(emulator);
    if !ok || !settled {
        bail!("the load run found problems (above)");
    }
    Ok(())
}
