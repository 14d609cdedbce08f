//! Invariants over random histories: proptest generates sequences of what
//! customers, staff, the carrier and the queues do (checkouts of random
//! carts, some with a promotion, some of a backorderable product, some
//! with declining cards; cancels at random moments; stock receipts and
//! write-offs; deliveries, some reported twice; returns restocked or
//! written off; admin refunds; workflow messages delivered again), runs
//! each against the real local stack, which hands every queue message and
//! stream record to its function twice, waits until it is idle and checks
//! what must always hold:
//!
//! - available stock is never negative, and is on hand less reserved;
//! - on hand = opening stock + receipts − write-offs + restocked returns −
//!   units shipped;
//! - reserved = the units of the orders that hold stock;
//! - refunds never exceed what was captured, at the gateway or on the order;
//! - each order's payment agrees with its status (shipped orders captured
//!   their total, failed ones captured nothing or were refunded in full);
//! - a promotion's uses = the orders that keep it;
//! - once idle, every order is final or waiting for stock (BACKORDERED);
//! - the sales analytics count each captured order's units once, and each
//!   returned unit once;
//! - no e-mail went to a customer twice, and shipped orders had both theirs.
//!
//! A failing history is shrunk to a minimal one and printed with the seed.
//! `PROPERTY_CASES` (default 4, as `make test` runs it) and `PROPERTY_SEED`
//! choose how many histories and which; `make property` runs 60.
//! The cases share one stack; each has its own products, customers and
//! promotion, so a history sees only itself.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use serde_json::{json, Value};
use shared::payments::sandbox::Operation;
use shared::workers::Worker;
use tests::{checkout_body_with, spawn_app, TestApp};

/// The products of a case: (name, price, opening stock, backorderable).
const PRODUCTS: [(&str, i64, i64, bool); 3] = [
    ("SCARCE", 1_500, 3, false),
    ("PLENTY", 700, 40, false),
    ("LATER", 2_000, 1, true),
];
const CUSTOMERS: usize = 3;
/// Uses a case's promotion allows.
const PROMOTION_USES: i64 = 2;

#[derive(Clone, Copy, Debug)]
enum Card {
    Visa,
    Declined,
    InsufficientFunds,
}

impl Card {
    fn token(self) -> &'static str {
        match self {
            Card::Visa => "pm_card_visa",
            Card::Declined => "pm_card_chargeDeclined",
            Card::InsufficientFunds => "pm_card_chargeDeclinedInsufficientFunds",
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Step {
    ReserveStock,
    ChargePayment,
    FulfilOrder,
    NotifyConfirmation,
}

/// One thing that happens. Orders are named by their index among the
/// orders placed so far (modulo their number); an operation that does not
/// apply to the order's state is made anyway where the API would take it,
/// and skipped where it needs what the order lacks (a delivery needs a
/// shipment).
#[derive(Clone, Debug)]
enum Op {
    Checkout {
        customer: usize,
        lines: Vec<(usize, i64)>,
        card: Card,
        promotion: bool,
    },
    Cancel {
        order: usize,
        after_ms: u64,
    },
    Receive {
        product: usize,
        units: i64,
    },
    WriteOff {
        product: usize,
        units: i64,
    },
    Deliver {
        order: usize,
        twice: bool,
    },
    Return {
        order: usize,
        restock: bool,
    },
    Refund {
        order: usize,
        amount: i64,
    },
    Redeliver {
        order: usize,
        step: Step,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let card = prop_oneof![
        6 => Just(Card::Visa),
        1 => Just(Card::Declined),
        1 => Just(Card::InsufficientFunds),
    ];
    let step = prop_oneof![
        Just(Step::ReserveStock),
        Just(Step::ChargePayment),
        Just(Step::FulfilOrder),
        Just(Step::NotifyConfirmation),
    ];
    prop_oneof![
        6 => (
            0..CUSTOMERS,
            prop::collection::vec((0..PRODUCTS.len(), 1..4i64), 1..3),
            card,
            prop::bool::weighted(0.4),
        )
            .prop_map(|(customer, lines, card, promotion)| Op::Checkout {
                customer,
                lines,
                card,
                promotion
            }),
        2 => (0..8usize, 0..1_200u64).prop_map(|(order, after_ms)| Op::Cancel { order, after_ms }),
        2 => (0..PRODUCTS.len(), 1..5i64).prop_map(|(product, units)| Op::Receive { product, units }),
        1 => (0..PRODUCTS.len(), 1..3i64).prop_map(|(product, units)| Op::WriteOff { product, units }),
        2 => (0..8usize, any::<bool>()).prop_map(|(order, twice)| Op::Deliver { order, twice }),
        1 => (0..8usize, any::<bool>()).prop_map(|(order, restock)| Op::Return { order, restock }),
        1 => (0..8usize, 1..3_000i64).prop_map(|(order, amount)| Op::Refund { order, amount }),
        2 => (0..8usize, step).prop_map(|(order, step)| Op::Redeliver { order, step }),
    ]
}

/// Like `assert!`, failing the history (so proptest shrinks it) rather
/// than panicking.
macro_rules! expect {
    ($cond:expr, $($arg:tt)*) => {
        if !$cond {
            return Err(format!($($arg)*));
        }
    };
}

/// What the history did that the invariants need, as the API answered it.
#[derive(Debug, Default)]
struct Model {
    /// Per product: units received and written off (accepted), restocked
    /// by returns.
    received: [i64; 3],
    written_off: [i64; 3],
    restocked: [i64; 3],
    /// Per product: units refunded by returns (restocked or not).
    returned: [i64; 3],
    /// Orders placed (202), with their customer's token.
    orders: Vec<(String, String)>,
}

struct Case<'a> {
    app: &'a TestApp,
    admin: String,
    n: usize,
    model: Model,
}

impl Case<'_> {
    fn sku(&self, product: usize) -> String {
        format!("P{}-{}", self.n, PRODUCTS[product].0)
    }

    fn customer(&self, k: usize) -> (String, String) {
        let sub = format!("prop-{}-{k}", self.n);
        (self.app.token(&sub), format!("{sub}@example.com"))
    }

    fn code(&self) -> String {
        format!("PROP{}", self.n)
    }

    fn order(&self, i: usize) -> Option<(String, String)> {
        (!self.model.orders.is_empty())
            .then(|| self.model.orders[i % self.model.orders.len()].clone())
    }

    async fn setup(&self) {
        for (i, (_, price, stock, backorder)) in PRODUCTS.iter().enumerate() {
            let sku = self.sku(i);
            let r = self
                .app
                .post(
                    "/admin/products",
                    Some(&self.admin),
                    json!({"sku": sku, "name": format!("Product {sku}"),
                           "price": {"amount": price, "currency": "USD"},
                           "allowBackorder": backorder}),
                )
                .await;
            assert_eq!(r.status, 201, "{r:?}");
            let r = self
                .app
                .post(
                    &format!("/admin/products/{sku}/stock"),
                    Some(&self.admin),
                    json!({"delta": stock, "reason": "opening stock"}),
                )
                .await;
            assert_eq!(r.status, 200, "{r:?}");
        }
        let r = self
            .app
            .post(
                "/admin/promotions",
                Some(&self.admin),
                json!({"code": self.code(), "type": "PERCENTAGE", "percentOff": 10,
                       "usageLimit": PROMOTION_USES}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
    }

    async fn apply(&mut self, op: &Op) -> Result<(), String> {
        let app = self.app;
        match op {
            Op::Checkout {
                customer,
                lines,
                card,
                promotion,
            } => {
                let (token, email) = self.customer(*customer);
                let r = app.send("POST", "/carts", Some(&token), &[], None).await;
                expect!(r.status == 201, "{r:?}");
                let cart = r.body["cartId"].as_str().unwrap().to_string();
                let mut any = false;
                for (product, quantity) in lines {
                    let r = app
                        .post(
                            &format!("/carts/{cart}/items"),
                            Some(&token),
                            json!({"sku": self.sku(*product), "quantity": quantity}),
                        )
                        .await;
                    // Short of stock (409) is the shop's answer, not a fault.
                    expect!(matches!(r.status, 200 | 409), "{r:?}");
                    any |= r.status == 200;
                }
                if !any {
                    return Ok(());
                }
                if *promotion {
                    let r = app.apply_promotion(&cart, Some(&token), &self.code()).await;
                    expect!(matches!(r.status, 200 | 409 | 422), "{r:?}");
                }
                let body = checkout_body_with(&email, card.token(), "62701");
                let r = app.checkout(&cart, &token, &cart, &body).await;
                expect!(matches!(r.status, 202 | 409 | 422), "{r:?}");
                if r.status == 202 {
                    let id = r.body["orderId"].as_str().unwrap().to_string();
                    self.model.orders.push((id, token));
                }
            }
            Op::Cancel { order, after_ms } => {
                let Some((id, token)) = self.order(*order) else {
                    return Ok(());
                };
                tokio::time::sleep(Duration::from_millis(*after_ms)).await;
                let r = app
                    .post(&format!("/orders/{id}/cancel"), Some(&token), json!({}))
                    .await;
                expect!(matches!(r.status, 200 | 202 | 409), "{r:?}");
            }
            Op::Receive { product, units } | Op::WriteOff { product, units } => {
                let receive = matches!(op, Op::Receive { .. });
                let delta = if receive { *units } else { -units };
                let r = app
                    .post(
                        &format!("/admin/products/{}/stock", self.sku(*product)),
                        Some(&self.admin),
                        json!({"delta": delta, "reason": "counted"}),
                    )
                    .await;
                expect!(matches!(r.status, 200 | 409), "{r:?}");
                if r.status == 200 {
                    if receive {
                        self.model.received[*product] += units;
                    } else {
                        self.model.written_off[*product] += units;
                    }
                }
            }
            Op::Deliver { order, twice } => {
                let Some((id, _)) = self.order(*order) else {
                    return Ok(());
                };
                // The carrier reports on parcels it has: wait (a while) for
                // the order to leave the workflow's first steps.
                let mut admin = app.admin_order(&id).await;
                for _ in 0..40 {
                    if !IN_PROGRESS.contains(&admin["status"].as_str().unwrap_or_default()) {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(250)).await;
                    admin = app.admin_order(&id).await;
                }
                let Some(tracking) = admin["shipment"]["trackingNumber"].as_str() else {
                    return Ok(());
                };
                for _ in 0..if *twice { 2 } else { 1 } {
                    let r = app.carrier_delivered(&id, tracking).await;
                    expect!(r.status == 200, "{r:?}");
                }
            }
            Op::Return { order, restock } => {
                let Some((id, token)) = self.order(*order) else {
                    return Ok(());
                };
                let admin = app.admin_order(&id).await;
                let Some(sku) = admin["lines"][0]["sku"].as_str().map(str::to_string) else {
                    return Ok(());
                };
                let r = app
                    .post(
                        &format!("/orders/{id}/returns"),
                        Some(&token),
                        json!({"lines": [{"sku": sku, "quantity": 1}], "reason": "changed my mind"}),
                    )
                    .await;
                expect!(matches!(r.status, 201 | 409 | 422), "{r:?}");
                if r.status != 201 {
                    return Ok(());
                }
                let base = format!(
                    "/admin/orders/{id}/returns/{}",
                    r.body["returnId"].as_str().unwrap()
                );
                let r = app
                    .post(&format!("{base}/approve"), Some(&self.admin), json!({}))
                    .await;
                expect!(r.status == 200, "{r:?}");
                let disposition = if *restock { "RESTOCK" } else { "DAMAGED" };
                let r = app
                    .post(
                        &format!("{base}/receive"),
                        Some(&self.admin),
                        json!({"lines": [{"sku": sku, "disposition": disposition}]}),
                    )
                    .await;
                expect!(matches!(r.status, 200 | 409), "{r:?}");
                if r.status == 200 {
                    let product = (0..PRODUCTS.len()).find(|p| self.sku(*p) == sku).unwrap();
                    self.model.returned[product] += 1;
                    if *restock {
                        self.model.restocked[product] += 1;
                    }
                }
            }
            Op::Refund { order, amount } => {
                let Some((id, _)) = self.order(*order) else {
                    return Ok(());
                };
                let key = uuid::Uuid::new_v4().to_string();
                let r = app
                    .send(
                        "POST",
                        &format!("/admin/orders/{id}/refunds"),
                        Some(&self.admin),
                        &[("idempotency-key", key.as_str())],
                        Some(
                            json!({"amount": {"amount": amount, "currency": "USD"},
                                   "reason": "goodwill"})
                            .to_string(),
                        ),
                    )
                    .await;
                expect!(matches!(r.status, 200 | 201 | 409 | 422), "{r:?}");
            }
            Op::Redeliver { order, step } => {
                let Some((id, _)) = self.order(*order) else {
                    return Ok(());
                };
                let mut body = json!({"orderId": id, "taskToken": "closed"});
                let worker = match step {
                    Step::ReserveStock => Worker::ReserveStock,
                    Step::ChargePayment => Worker::ChargePayment,
                    Step::FulfilOrder => Worker::FulfilOrder,
                    Step::NotifyConfirmation => {
                        body["kind"] = json!("order_confirmation");
                        Worker::NotifyCustomer
                    }
                };
                let mut message = SqsMessage::default();
                message.message_id = Some(format!("dup-{id}"));
                message.body = Some(body.to_string());
                let mut event = SqsEvent::default();
                event.records = vec![message];
                // A duplicate of a step is answered; whether it succeeds
                // depends on the order's state, and is not the point.
                let _ = worker.handle(&app.stack.app, event).await;
            }
        }
        Ok(())
    }

    /// Waits until every order is final or waiting for stock, and stays so.
    async fn idle(&self) -> Result<Vec<Value>, String> {
        let mut last: Vec<String> = Vec::new();
        for _ in 0..180 {
            let mut orders = Vec::new();
            for (id, _) in &self.model.orders {
                orders.push(self.app.admin_order(id).await);
            }
            let statuses: Vec<String> = orders
                .iter()
                .map(|o| o["status"].as_str().unwrap_or_default().to_string())
                .collect();
            let settled = statuses
                .iter()
                .all(|s| FINAL.contains(&s.as_str()) || s == "BACKORDERED");
            if settled && statuses == last {
                return Ok(orders);
            }
            last = statuses;
            tokio::time::sleep(Duration::from_millis(750)).await;
        }
        Err(format!("not idle after 135 s: {last:?}"))
    }

    async fn check(&self, ops: usize) -> Result<(), String> {
        let orders = self.idle().await?;
        let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
        for o in &orders {
            *outcomes
                .entry(o["status"].as_str().unwrap_or("?"))
                .or_default() += 1;
        }
        println!("history {}: {ops} steps, orders {outcomes:?}", self.n);
        let mut violations = Vec::new();
        let sku_index: HashMap<String, usize> =
            (0..PRODUCTS.len()).map(|p| (self.sku(p), p)).collect();

        // Stock.
        let mut shipped = [0i64; 3];
        let mut held = [0i64; 3];
        for o in &orders {
            let status = o["status"].as_str().unwrap_or_default();
            for line in o["lines"].as_array().into_iter().flatten() {
                let p = sku_index[line["sku"].as_str().unwrap()];
                let q = line["quantity"].as_i64().unwrap();
                if SHIPPED.contains(&status) {
                    shipped[p] += q;
                }
                if HOLDING.contains(&status) {
                    held[p] += q;
                }
            }
        }
        for (p, (_, _, opening, _)) in PRODUCTS.iter().enumerate() {
            let (on_hand, reserved, available) = self.app.stock(&self.sku(p)).await;
            let expected = opening + self.model.received[p] - self.model.written_off[p]
                + self.model.restocked[p]
                - shipped[p];
            if available < 0 {
                violations.push(format!("{}: available {available} < 0", self.sku(p)));
            }
            if available != on_hand - reserved {
                violations.push(format!(
                    "{}: available {available} ≠ on hand {on_hand} − reserved {reserved}",
                    self.sku(p)
                ));
            }
            if on_hand != expected {
                violations.push(format!(
                    "{}: on hand {on_hand} ≠ {opening} + {} received − {} written off + {} restocked − {} shipped",
                    self.sku(p),
                    self.model.received[p],
                    self.model.written_off[p],
                    self.model.restocked[p],
                    shipped[p]
                ));
            }
            if reserved != held[p] {
                violations.push(format!(
                    "{}: reserved {reserved} ≠ {} held by orders",
                    self.sku(p),
                    held[p]
                ));
            }
        }

        // Money: the gateway's ledger and each order's record.
        let mut charged: BTreeMap<String, i64> = BTreeMap::new();
        let mut refunded: BTreeMap<String, i64> = BTreeMap::new();
        for operation in self.app.stack.payments.operations() {
            match operation {
                Operation::Charge { payment_id, amount } => {
                    *charged.entry(payment_id).or_default() += amount.amount
                }
                Operation::Refund {
                    payment_id, amount, ..
                } => *refunded.entry(payment_id).or_default() += amount.amount,
            }
        }
        let mut keeps_promotion = 0;
        for o in &orders {
            let id = o["orderId"].as_str().unwrap_or_default();
            let status = o["status"].as_str().unwrap_or_default();
            let total = o["total"]["amount"].as_i64().unwrap_or_default();
            let payment = &o["payment"];
            let pid = payment["paymentId"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let captured = charged.get(&pid).copied().unwrap_or_default();
            let given_back = refunded.get(&pid).copied().unwrap_or_default();
            let recorded_refund = payment["refunded"]["amount"].as_i64().unwrap_or_default();
            if given_back > captured || recorded_refund > captured {
                violations.push(format!(
                    "order {id}: refunded {given_back} (recorded {recorded_refund}) > captured {captured}"
                ));
            }
            let agrees = match status {
                "SHIPPED" | "DELIVERED" => captured == total && given_back == 0,
                "PARTIALLY_REFUNDED" => captured == total && given_back > 0 && given_back < total,
                "REFUNDED" => captured == total && given_back == total,
                "REJECTED" | "PAYMENT_FAILED" | "BACKORDERED" => captured == 0,
                "CANCELLED" => captured == given_back,
                _ => false,
            };
            if !agrees {
                violations.push(format!(
                    "order {id} is {status} with total {total}, captured {captured}, refunded {given_back}: {payment}"
                ));
            }
            if !o["promotion"].is_null() && !GIVES_BACK_PROMOTION.contains(&status) {
                keeps_promotion += 1;
            }
        }
        let promotion = self
            .app
            .get(
                &format!("/admin/promotions/{}", self.code()),
                Some(&self.admin),
            )
            .await
            .body;
        if promotion["used"].as_i64() != Some(keeps_promotion) {
            violations.push(format!(
                "promotion used {} ≠ {keeps_promotion} orders that keep it",
                promotion["used"]
            ));
        }

        // Analytics (from the Orders stream, every record of which came
        // twice): units sold = units of orders whose payment was captured;
        // units returned = units refunded by returns.
        let mut sold = [0i64; 3];
        for o in &orders {
            let pid = o["payment"]["paymentId"].as_str().unwrap_or_default();
            if charged.get(pid).copied().unwrap_or_default() > 0 {
                for line in o["lines"].as_array().into_iter().flatten() {
                    sold[sku_index[line["sku"].as_str().unwrap()]] +=
                        line["quantity"].as_i64().unwrap();
                }
            }
        }
        let today = chrono::Utc::now().date_naive();
        let range = shared::domain::analytics::DateRange {
            from: today - chrono::Duration::days(1),
            to: today + chrono::Duration::days(1),
        };
        let mut counted = ([0i64; 3], [0i64; 3]);
        for _ in 0..20 {
            counted = ([0; 3], [0; 3]);
            let days = self
                .app
                .store()
                .product_days(range)
                .await
                .map_err(|e| format!("{e:#}"))?;
            for day in days {
                if let Some(p) = sku_index.get(&day.sku) {
                    counted.0[*p] += day.units_sold;
                    counted.1[*p] += day.units_returned;
                }
            }
            if counted == (sold, self.model.returned) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        if counted != (sold, self.model.returned) {
            violations.push(format!(
                "analytics count sold {:?} and returned {:?}; orders show {sold:?} and {:?}",
                counted.0, counted.1, self.model.returned
            ));
        }

        // E-mails: none twice; shipped orders had their confirmation and
        // shipment notice.
        for k in 0..CUSTOMERS {
            let (_, email) = self.customer(k);
            let mut subjects: BTreeMap<String, usize> = BTreeMap::new();
            for (subject, _) in self.app.sent_emails(&email).await {
                *subjects.entry(subject).or_default() += 1;
            }
            for (subject, count) in &subjects {
                if *count > 1 && !subject.starts_with("Refund for") {
                    violations.push(format!("{email} got {subject:?} {count} times"));
                }
            }
            for o in orders.iter().filter(|o| {
                o["customer"]["email"] == json!(email)
                    && SHIPPED.contains(&o["status"].as_str().unwrap_or_default())
            }) {
                let number = o["orderNumber"].as_str().unwrap_or_default();
                for wanted in [
                    format!("Order {number} confirmed"),
                    format!("Order {number} has shipped"),
                ] {
                    if !subjects.contains_key(&wanted) {
                        violations.push(format!("{email} never got {wanted:?}"));
                    }
                }
            }
        }
        // The invariants `bench-load` checks after its run, read from the
        // tables: status histories, stock states, totals, carts, and the
        // gateway's ledger against each order's payment record.
        let invariants = local::invariants::check(
            &self.app.store(),
            Some(&self.app.stack.payments),
            &local::invariants::Expected::default(),
        )
        .await
        .map_err(|e| format!("{e:#}"))?;
        for invariant in invariants.iter().filter(|i| !i.holds()) {
            for violation in &invariant.violations {
                violations.push(format!("{}: {violation}", invariant.name));
            }
        }
        if violations.is_empty() {
            Ok(())
        } else {
            Err(violations.join("\n"))
        }
    }
}

/// Statuses an idle order may rest in.
const FINAL: [&str; 7] = [
    "SHIPPED",
    "DELIVERED",
    "REJECTED",
    "PAYMENT_FAILED",
    "CANCELLED",
    "PARTIALLY_REFUNDED",
    "REFUNDED",
];
/// Statuses of orders the workflow is still moving.
const IN_PROGRESS: [&str; 4] = ["PENDING", "RESERVED", "PAID", "AWAITING_FULFILMENT"];
/// Statuses of orders whose units left the warehouse.
const SHIPPED: [&str; 4] = ["SHIPPED", "DELIVERED", "PARTIALLY_REFUNDED", "REFUNDED"];
/// Statuses of orders that hold stock.
const HOLDING: [&str; 3] = ["RESERVED", "PAID", "AWAITING_FULFILMENT"];
/// Statuses whose orders gave their promotion use back.
const GIVES_BACK_PROMOTION: [&str; 3] = ["REJECTED", "PAYMENT_FAILED", "CANCELLED"];

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

#[test]
fn random_histories_keep_stock_money_promotions_and_emails_true() {
    let cases = env_number("PROPERTY_CASES").unwrap_or(4) as u32;
    let seed = env_number("PROPERTY_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
    });
    println!("property: {cases} histories, PROPERTY_SEED={seed}");
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let config = Config {
        cases,
        max_shrink_iters: env_number("PROPERTY_SHRINK_ITERS").unwrap_or(64) as u32,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(config, rng);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let app = runtime.block_on(spawn_app());
    // Every queue message and stream record is handed over twice.
    app.stack.faults.deliver_everything_twice(true);
    let admin = app.admin_token();
    let next = AtomicUsize::new(0);
    let result = runner.run(&prop::collection::vec(op(), 3..14), |history| {
        let n = next.fetch_add(1, Ordering::SeqCst);
        runtime.block_on(async {
            let mut case = Case {
                app: &app,
                admin: admin.clone(),
                n,
                model: Model::default(),
            };
            case.setup().await;
            for (i, op) in history.iter().enumerate() {
                case.apply(op).await.map_err(|answer| {
                    TestCaseError::fail(format!("history {n}, step {i} ({op:?}): {answer}"))
                })?;
            }
            case.check(history.len())
                .await
                .map_err(|violations| TestCaseError::fail(format!("history {n}: {violations}")))
        })
    });
    match result {
        Ok(()) => println!("property: {cases} histories held (PROPERTY_SEED={seed})"),
        Err(TestError::Fail(reason, history)) => panic!(
            "PROPERTY_SEED={seed}: an invariant broke.\n{reason}\nminimal history:\n{history:#?}"
        ),
        Err(TestError::Abort(reason)) => panic!("PROPERTY_SEED={seed}: aborted: {reason}"),
    }
}
