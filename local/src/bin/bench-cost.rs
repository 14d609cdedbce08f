//! Cost per order: runs a batch of orders through the local stack, each
//! from cart to delivered parcel, and prints what 1,000 of them cost at AWS
//! list prices, component by component, from what it counted on the way:
//! Lambda invocations and billed duration, HTTP API requests, DynamoDB
//! request units, SQS requests, Step Functions state transitions, e-mails
//! and EventBridge events (see `local::metering` for how each is counted).
//!
//! Each order is the life a real one has: a customer creates a cart, adds
//! two products and checks out with the sandbox Visa (four API requests);
//! the workflow reserves, charges and queues it for fulfilment; staff ship
//! it from the dashboard (one request, which books the carrier's label);
//! the carrier reports it delivered (one signed webhook). The bench waits
//! for each status through its own unmetered reads, then for the stack to
//! go quiet, so every e-mail, event and webhook plan an order causes is in.
//!
//! Prints figures; asserts nothing. Usage: bench-cost [orders] [at a time]
//! (default 50 orders, 4 at a time).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde_json::json;
use shared::domain::order::OrderStatus;

/// AWS list prices, us-east-1, on demand, in USD (checked 2026-11-30).
mod price {
    /// Lambda, per request.
    pub const LAMBDA_REQUEST: f64 = 0.20 / 1e6;
    /// Lambda on arm64, per GB-second.
    pub const LAMBDA_GB_SECOND_ARM: f64 = 0.000_013_333_4;
    /// API Gateway HTTP API, per request (first 300 million a month).
    pub const HTTP_API_REQUEST: f64 = 1.00 / 1e6;
    /// DynamoDB on demand, per write request unit.
    pub const DYNAMODB_WRU: f64 = 0.625 / 1e6;
    /// DynamoDB on demand, per read request unit.
    pub const DYNAMODB_RRU: f64 = 0.125 / 1e6;
    /// SQS standard queues, per request (64 KB chunk).
    pub const SQS_REQUEST: f64 = 0.40 / 1e6;
    /// Step Functions standard workflows, per state transition.
    pub const SFN_TRANSITION: f64 = 0.025 / 1e3;
    /// SES, per e-mail (recipient).
    pub const SES_EMAIL: f64 = 0.10 / 1e3;
    /// EventBridge, per custom event put (64 KB chunk).
    pub const EVENTBRIDGE_EVENT: f64 = 1.00 / 1e6;
}

const SKUS: [(&str, i64); 2] = [("BENCH-COST-MUG", 1200), ("BENCH-COST-TEE", 2500)];
const CUSTOMERS: usize = 10;

struct Bench {
    api: local::bench::ApiClient,
    /// Reads order statuses without being counted.
    store: shared::store::Store,
    admin: String,
    customers: Vec<String>,
}

impl Bench {
    async fn wait_for(&self, order_id: &str, status: OrderStatus) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let order = self.store.get_order(order_id).await?;
            let now = order.as_ref().map(|o| o.status);
            if now == Some(status) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("order {order_id} is {now:?}, not {status:?}, after 120 s");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// One order's whole life; its id.
    async fn order(&self, n: usize) -> anyhow::Result<String> {
        use reqwest::Method;
        let token = &self.customers[n % self.customers.len()];
        let cart = self
            .api
            .call(Method::POST, "/carts", Some(token), None, &[])
            .await?;
        let cart = cart["cartId"].as_str().context("cartId")?.to_string();
        for (i, (sku, _)) in SKUS.iter().enumerate() {
            self.api
                .call(
                    Method::POST,
                    &format!("/carts/{cart}/items"),
                    Some(token),
                    Some(json!({"sku": sku, "quantity": i + 1})),
                    &[],
                )
                .await?;
        }
        let checkout = json!({
            "customer": {"name": "Ada Lovelace", "email": format!("customer{}@example.com", n % CUSTOMERS), "phone": "+15555550100"},
            "shippingAddress": {"line1": "1 Main St", "city": "Springfield", "region": "IL", "postalCode": "62701", "country": "US"},
            "payment": {"methodToken": "pm_card_visa"}
        });
        let placed = self
            .api
            .call(
                Method::POST,
                &format!("/carts/{cart}/checkout"),
                Some(token),
                Some(checkout),
                &[("idempotency-key", uuid::Uuid::new_v4().to_string())],
            )
            .await?;
        let order_id = placed["orderId"].as_str().context("orderId")?.to_string();
        self.wait_for(&order_id, OrderStatus::AwaitingFulfilment)
            .await?;
        let shipped = self
            .api
            .call(
                Method::POST,
                &format!("/admin/orders/{order_id}/ship"),
                Some(&self.admin),
                Some(json!({})),
                &[],
            )
            .await?;
        self.wait_for(&order_id, OrderStatus::Shipped).await?;
        let tracking = match shipped["shipment"]["trackingNumber"].as_str() {
            Some(t) => t.to_string(),
            None => self
                .store
                .get_order(&order_id)
                .await?
                .and_then(|o| o.shipment.map(|s| s.tracking_number))
                .context("the shipped order has no tracking number")?,
        };
        let delivered = json!({"eventId": format!("evt-{order_id}"), "trackingNumber": tracking,
                              "type": "delivered", "occurredAt": chrono::Utc::now().to_rfc3339()})
        .to_string();
        let signature = shared::webhooks::signature::sign(
            local::LOCAL_CARRIER_WEBHOOK_SECRET,
            chrono::Utc::now().timestamp(),
            delivered.as_bytes(),
        )?;
        self.api
            .call(
                Method::POST,
                "/webhooks/carrier",
                None,
                Some(serde_json::from_str(&delivered)?),
                &[("carrier-signature", signature)],
            )
            .await?;
        self.wait_for(&order_id, OrderStatus::Delivered).await?;
        Ok(order_id)
    }
}

/// Waits until no function has been invoked for `quiet`.
async fn settle(quiet: Duration) {
    let invoked = || -> u64 {
        local::metering::snapshot()
            .invocations
            .values()
            .map(|i| i.count)
            .sum()
    };
    let mut last = invoked();
    let mut since = Instant::now();
    while since.elapsed() < quiet {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let now = invoked();
        if now != last {
            (last, since) = (now, Instant::now());
        }
    }
}

/// State transitions of every execution of the stack's state machines,
/// from their histories (Standard workflows bill each state entered).
async fn transitions(
    sfn: &aws_sdk_sfn::Client,
    since: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<(u64, u64, BTreeMap<String, u64>)> {
    let (mut executions, mut total) = (0, 0);
    let mut by_state = BTreeMap::new();
    let machines = sfn.list_state_machines().send().await?;
    for machine in machines.state_machines() {
        let mut runs = sfn
            .list_executions()
            .state_machine_arn(machine.state_machine_arn())
            .into_paginator()
            .items()
            .send();
        while let Some(execution) = runs.next().await {
            let execution = execution?;
            if execution.start_date().secs() < since.timestamp() {
                continue;
            }
            executions += 1;
            let mut events = sfn
                .get_execution_history()
                .execution_arn(execution.execution_arn())
                .into_paginator()
                .items()
                .send();
            while let Some(event) = events.next().await {
                let event = event?;
                if event.r#type().as_str().ends_with("StateEntered") {
                    total += 1;
                    let name = event
                        .state_entered_event_details()
                        .map(|d| d.name().to_string())
                        .unwrap_or_default();
                    *by_state.entry(name).or_insert(0) += 1;
                }
            }
        }
    }
    Ok((executions, total, by_state))
}

/// The Lambda memory size `template.yaml` gives its functions, in MB.
fn memory_mb(root: &std::path::Path) -> anyhow::Result<f64> {
    let template: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root.join("template.yaml"))?)?;
    template["Globals"]["Function"]["MemorySize"]
        .as_f64()
        .context("template.yaml has no Globals.Function.MemorySize")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let orders: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(50);
    let at_a_time: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(4);
    let root = local::project_root()?;
    let memory_gb = memory_mb(&root)? / 1024.0;
    let emulator = local::Emulator::start(&root, 0).await?;
    let raw = emulator.sdk_config().await;
    let metered = local::metering::sdk_config(&emulator.endpoint).await;
    let idp = local::identity::LocalIdentityProvider::generate()?;
    let stack =
        local::LocalStack::start(&root, &metered, "bench-cost", "127.0.0.1:0".parse()?, &idp)
            .await?;
    let bench = Bench {
        api: local::bench::ApiClient::new(&stack.base_url),
        store: shared::store::Store::new(
            aws_sdk_dynamodb::Client::new(&raw),
            stack.app.config.tables.clone(),
        ),
        admin: idp.token("bench-admin", true, 7200)?,
        customers: (0..CUSTOMERS)
            .map(|i| idp.token(&format!("bench-customer-{i}"), false, 7200))
            .collect::<Result<_, _>>()?,
    };
    for (sku, price) in SKUS {
        bench
            .api
            .call(
                reqwest::Method::POST,
                "/admin/products",
                Some(&bench.admin),
                Some(json!({"sku": sku, "name": format!("Benchmark {sku}"), "price": {"amount": price, "currency": "USD"}})),
                &[],
            )
            .await?;
        bench
            .api
            .call(
                reqwest::Method::POST,
                &format!("/admin/products/{sku}/stock"),
                Some(&bench.admin),
                Some(json!({"delta": orders as i64 * 2 + 10, "reason": "received"})),
                &[],
            )
            .await?;
    }
    // Setting up is not an order's cost.
    settle(Duration::from_secs(3)).await;

    use futures::StreamExt;
    let started_at = chrono::Utc::now() - chrono::Duration::seconds(1);
    let started = Instant::now();
    local::metering::start();
    let results: Vec<anyhow::Result<String>> = futures::stream::iter(0..orders)
        .map(|n| bench.order(n))
        .buffer_unordered(at_a_time.max(1))
        .collect()
        .await;
    let failed: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err().map(|e| format!("{e:#}")))
        .collect();
    settle(Duration::from_secs(5)).await;
    let counts = local::metering::stop();
    let took = started.elapsed();
    let sfn = aws_sdk_sfn::Client::new(&raw);
    let (executions, transitions, by_state) = transitions(&sfn, started_at).await?;

    let done = (orders - failed.len()) as f64;
    if done == 0.0 {
        bail!("no order completed: {failed:?}");
    }
    let per_order = |n: f64| n / done;
    let invocations: u64 = counts.invocations.values().map(|i| i.count).sum();
    let billed_ms: u64 = counts.invocations.values().map(|i| i.billed_ms).sum();
    let units = counts.dynamodb_total();
    // Billed SQS requests: what the functions and the pollers (Lambda's
    // event source mappings) asked, and the sends Step Functions tasks and
    // EventBridge rules made for them (the messages received that no
    // function sent). Empty receives are idle polling, a fixed cost.
    let sqs_own = counts.requests_of("sqs")
        - counts
            .requests
            .get("sqs ReceiveMessage (empty)")
            .copied()
            .unwrap_or(0);
    let sqs_by_services = counts
        .sqs_messages_received
        .saturating_sub(counts.sqs_messages_sent);
    let sqs = sqs_own + sqs_by_services;

    let rows: Vec<(&str, f64, &str, f64)> = vec![
        (
            "Lambda requests",
            per_order(invocations as f64),
            "invocations",
            price::LAMBDA_REQUEST,
        ),
        (
            "Lambda duration (arm64)",
            per_order(billed_ms as f64 / 1000.0 * memory_gb),
            "GB-s",
            price::LAMBDA_GB_SECOND_ARM,
        ),
        (
            "API Gateway (HTTP API)",
            per_order(counts.api_requests as f64),
            "requests",
            price::HTTP_API_REQUEST,
        ),
        (
            "DynamoDB writes",
            per_order(units.write),
            "WRU",
            price::DYNAMODB_WRU,
        ),
        (
            "DynamoDB reads",
            per_order(units.read),
            "RRU",
            price::DYNAMODB_RRU,
        ),
        ("SQS", per_order(sqs as f64), "requests", price::SQS_REQUEST),
        (
            "Step Functions",
            per_order(transitions as f64),
            "transitions",
            price::SFN_TRANSITION,
        ),
        (
            "SES",
            per_order(counts.emails as f64),
            "e-mails",
            price::SES_EMAIL,
        ),
        (
            "EventBridge",
            per_order(counts.events as f64),
            "events",
            price::EVENTBRIDGE_EVENT,
        ),
    ];
    println!(
        "{done} orders from cart to delivered ({} failed), {at_a_time} at a time, in {:.1} s; {executions} workflow executions",
        failed.len(),
        took.as_secs_f64()
    );
    for e in failed.iter().take(5) {
        println!("  failed: {e}");
    }
    println!(
        "AWS list prices, us-east-1, on demand (2026-11-30); Lambda at {:.0} MB from template.yaml",
        memory_gb * 1024.0
    );
    println!();
    println!(
        "{:<26} {:>12} {:<12} {:>16}",
        "component", "per order", "", "per 1,000 orders"
    );
    let mut total = 0.0;
    for (name, quantity, unit, unit_price) in &rows {
        let cost = quantity * unit_price * 1000.0;
        total += cost;
        println!(
            "{name:<26} {quantity:>12.2} {unit:<12} {:>16}",
            format!("${cost:.4}")
        );
    }
    println!(
        "{:<26} {:>12} {:<12} {:>16}",
        "total",
        "",
        "",
        format!("${total:.4}")
    );

    println!();
    println!("invocations per order, and billed ms per invocation (local durations: the emulator, not DynamoDB, answers)");
    for (function, i) in &counts.invocations {
        println!(
            "  {function:<28} {:>6.2}  {:>7.1} ms",
            per_order(i.count as f64),
            i.billed_ms as f64 / i.count.max(1) as f64
        );
    }
    println!("DynamoDB request units per order, by table and operation");
    for (what, u) in &counts.dynamodb {
        println!(
            "  {what:<48} {:>6.2} RRU {:>6.2} WRU",
            per_order(u.read),
            per_order(u.write)
        );
    }
    println!("AWS requests per order, by operation (DynamoDB Streams reads by Lambda are free)");
    for (what, n) in &counts.requests {
        println!("  {what:<48} {:>7.2}", per_order(*n as f64));
    }
    println!(
        "  SQS messages: {:.2} received per order, {:.2} sent by functions, {:.2} by Step Functions and EventBridge",
        per_order(counts.sqs_messages_received as f64),
        per_order(counts.sqs_messages_sent as f64),
        per_order(sqs_by_services as f64)
    );
    println!("state transitions per order, by state");
    for (state, n) in &by_state {
        println!("  {state:<32} {:>6.2}", per_order(*n as f64));
    }
    Ok(())
}
