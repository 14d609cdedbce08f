//! The real function binaries under `cargo lambda watch`, invoked with the
//! sample events in `events/` against a stack in the emulator: what
//! `cargo lambda invoke --data-file events/<f>.json` (and `sam local invoke
//! -e`) shows a developer.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use sha2::Digest;
use shared::domain::cart::{Cart, CartLine};
use shared::domain::order::OrderStatus;
use shared::domain::product::Sku;
use shared::store::realtime::Scope;
use tests::spawn_app;

const CART: &str = "5f0c1b8e-3d2a-4c1e-9b7a-2f4e6d8c0a11";
const ORDER: &str = "0193f7a2-8c4d-7e21-b5a0-4c3d2e1f0a9b";

/// Function name → expected status, in the order they run.
const CASES: &[(&str, u16)] = &[
    ("list-products", 200),
    ("get-product", 200),
    ("create-product", 201),
    ("update-product", 200),
    ("adjust-stock", 200),
    ("list-inventory", 200),
    ("get-stock-ledger", 200),
    ("admin-get-product", 200),
    ("archive-product", 200),
    ("create-promotion", 201),
    ("list-promotions", 200),
    ("get-promotion", 200),
    ("update-promotion", 200),
    ("create-cart", 201),
    ("get-cart", 200),
    ("add-cart-item", 200),
    ("update-cart-item", 200),
    ("apply-cart-promotion", 200),
    ("remove-cart-promotion", 200),
    ("deactivate-promotion", 200),
    ("remove-cart-item", 200),
    ("list-shipping-options", 200),
    ("get-shipping-option", 200),
    ("create-shipping-option", 201),
    ("update-shipping-option", 200),
    ("list-tax-rates", 200),
    ("put-tax-rate", 201),
    ("delete-tax-rate", 200),
    ("set-cart-shipping-address", 200),
    ("set-cart-shipping-option", 200),
    // Alice signs in with the anonymous sample cart: it becomes her
    // current cart.
    ("claim-cart", 200),
    ("get-current-cart", 200),
    ("checkout", 202),
    // The seeded order charged no shipping and no tax; Washington has no
    // rate in the demo shop, so the order may go there.
    ("change-shipping-address", 200),
    ("deactivate-shipping-option", 200),
    ("list-my-orders", 200),
    ("get-my-order", 200),
    ("admin-list-orders", 200),
    ("admin-get-order", 200),
    // The seeded order has not shipped, so it has no label yet.
    ("admin-get-order-label", 409),
    // Nor is it in the fulfilment queue, which is empty.
    ("ship-order", 409),
    ("list-fulfilment-queue", 200),
    ("get-shop-settings", 200),
    // The first save of the settings (version 0).
    ("update-shop-settings", 200),
    // Returns and refunds start once an order is delivered; the sample
    // return does not exist on the seeded order.
    ("request-return", 409),
    ("approve-return", 404),
    ("reject-return", 404),
    ("receive-return", 404),
    ("refund-order", 409),
    ("list-open-returns", 200),
    ("get-order-tracking", 200),
    // The sample's signature is not valid for its body.
    ("carrier-webhook", 400),
    ("payment-webhook", 400),
    // No report has run yet on this stack.
    ("get-low-stock-report", 404),
    ("run-low-stock-report", 200),
    ("get-sales-report", 200),
    ("get-products-report", 200),
    ("get-customers-report", 200),
    ("list-payments", 200),
    ("create-realtime-ticket", 201),
    ("list-webhooks", 200),
    // Offline, the sample's host does not resolve: refused, as a private
    // address would be.
    ("create-webhook", 422),
    ("get-webhook", 200),
    // Pauses the seeded subscription.
    ("update-webhook", 200),
    ("rotate-webhook-secret", 200),
    ("list-webhook-deliveries", 200),
    ("redeliver-webhook", 202),
    // The sample names a subscription that does not exist.
    ("delete-webhook", 404),
    ("request-customer-erasure", 202),
    ("get-customer-erasure", 200),
];

const WEBHOOK: &str = "4f6a1c2e-8b3d-4e5f-9a70-1b2c3d4e5f60";
const DELIVERY: &str = "3b1f5c9d2e7a4f60b8c1d2e3f4a5b6c7";

/// The ticket in `events/realtime-authorizer.json`.
const SAMPLE_TICKET: &str = "c2FtcGxlLXRpY2tldC1mb3ItdGhlLWxvY2FsLXN0YWN";

struct Watch(std::process::Child);

impl Drop for Watch {
    fn drop(&mut self) {
        // The watcher and the function processes it started share a group.
        let _ = Command::new("kill")
            .arg("--")
            .arg(format!("-{}", self.0.id()))
            .status();
        let _ = self.0.wait();
    }
}

fn cargo_lambda(root: &Path) -> Command {
    let mut command = Command::new("cargo");
    let path = format!(
        "{}:{}",
        root.join(".venv/bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    command.arg("lambda").current_dir(root).env("PATH", path);
    command
}

async fn seed(app: &tests::TestApp) {
    let store = app.store();
    local::seed::seed_demo_catalog(&app.stack.app)
        .await
        .unwrap();
    local::seed::seed_demo_shop(&app.stack.app).await.unwrap();
    let now = shared::domain::now_rfc3339();
    let later = chrono_like_now() + 3600;
    let mut cart = Cart::new(CART.into(), None, &now, later);
    cart.lines.push(CartLine {
        sku: Sku::parse("MUG-LOGO").unwrap(),
        quantity: 1,
    });
    store.create_cart(&cart).await.unwrap();

    // A pending order of alice's, for the order and worker events.
    app.pending_order(ORDER, "alice", &[("MUG-LOGO", 1)]).await;

    // A webhook subscription with one delivery, for the webhook samples.
    use shared::domain::events::EventType;
    use shared::store::webhooks::{Delivery, DeliveryStatus, Subscription};
    store
        .create_subscription(&Subscription {
            webhook_id: WEBHOOK.into(),
            url: "https://hooks.example.com/order-service".into(),
            description: "Warehouse system".into(),
            event_types: vec![EventType::StockAdjusted],
            active: true,
            failing_since: None,
            secret: shared::webhooks::outbound::new_secret().unwrap(),
            previous_secret: None,
            previous_secret_expires_at: None,
            secret_rotated_at: None,
            created_at: now.clone(),
            updated_at: now.clone(),
            version: 1,
        })
        .await
        .unwrap();
    store
        .create_delivery(
            &Delivery {
                delivery_id: DELIVERY.into(),
                webhook_id: WEBHOOK.into(),
                event_id: "5d41402a-bc4b-8a76-b971-9d911017c592".into(),
                event_type: EventType::StockAdjusted,
                status: DeliveryStatus::Failed,
                attempts: Vec::new(),
                created_at: now.clone(),
                updated_at: now.clone(),
                next_attempt_at: None,
                payload: Some(r#"{"type":"StockAdjusted"}"#.into()),
                payload_erased: false,
            },
            None,
        )
        .await
        .unwrap();
}

fn chrono_like_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn invoke(root: &Path, port: u16, function: &str) -> Value {
    let out = cargo_lambda(root)
        .args([
            "invoke",
            function,
            "--invoke-address",
            "127.0.0.1",
            "--invoke-port",
        ])
        .arg(port.to_string())
        .args(["--output-format", "json", "--data-file"])
        .arg(format!("events/{function}.json"))
        .output()
        .expect("cargo lambda invoke runs");
    assert!(
        out.status.success(),
        "{function}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{function}: {e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_function_binary_answers_its_sample_event_under_cargo_lambda() {
    let app = spawn_app().await;
    seed(&app).await;
    let root = local::project_root().unwrap();

    // The environment template.yaml gives the functions, resolved for this stack.
    let env = app
        .stack
        .stack
        .environments
        .get("checkout")
        .cloned()
        .unwrap();
    let mut env_file = tempfile_in(&root);
    // Queue URLs only some functions are given.
    let mut env = env;
    for function in ["deliver-webhook", "erase-customer"] {
        env.extend(app.stack.stack.environments[function].clone());
    }
    for (k, v) in env.iter().filter(|(k, _)| !k.starts_with("JWT_")) {
        writeln!(env_file.1, "{k}={v:?}").unwrap();
    }
    let endpoint = app.sdk.endpoint_url().unwrap().to_string();
    // The WebSocket API's URLs, as the template gives the ticket endpoint
    // and the notifier.
    let realtime = app.stack.realtime_url.clone().unwrap();
    writeln!(
        env_file.1,
        "REALTIME_URL={realtime}\nREALTIME_MANAGEMENT_URL={}",
        realtime.replacen("ws://", "http://", 1)
    )
    .unwrap();
    writeln!(env_file.1, "AWS_ENDPOINT_URL={endpoint}\nAWS_ACCESS_KEY_ID=testing\nAWS_SECRET_ACCESS_KEY=testing\nAWS_REGION=us-east-1\nRUST_LOG=info").unwrap();
    env_file.1.flush().unwrap();

    // Build the binaries first, so no invocation waits on the compiler.
    let built = Command::new("cargo")
        .args(["build", "--quiet", "-p", "functions"])
        .current_dir(&root)
        .status()
        .expect("cargo build runs");
    assert!(built.success());

    let port = local::free_port().unwrap();
    let watch = Watch(
        cargo_lambda(&root)
            .args([
                "watch",
                "--ignore-changes",
                "--quiet",
                "--timeout",
                "600",
                "--invoke-address",
                "127.0.0.1",
                "--invoke-port",
            ])
            .arg(port.to_string())
            .arg("--env-file")
            .arg(&env_file.0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("cargo lambda watch starts"),
    );
    for _ in 0..600 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    for (function, expected) in CASES {
        let root = root.clone();
        let response = tokio::task::spawn_blocking(move || invoke(&root, port, function))
            .await
            .unwrap();
        let status = response["statusCode"].as_u64().unwrap_or_default();
        assert_eq!(status, u64::from(*expected), "{function}: {response}");
        let body: Value =
            serde_json::from_str(response["body"].as_str().unwrap_or("null")).unwrap();
        assert!(body.is_object(), "{function} answers a JSON object: {body}");
    }

    // The scheduled job, given EventBridge's event.
    let job_root = root.clone();
    let report = tokio::task::spawn_blocking(move || invoke(&job_root, port, "low-stock-report"))
        .await
        .unwrap();
    assert!(report["generatedAt"].is_string(), "{report}");

    // The stream consumer, given a stream record of an order being paid:
    // it counts the sale once, however often the record comes.
    let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
    let range = shared::domain::analytics::DateRange { from: day, to: day };
    for _ in 0..2 {
        let root = root.clone();
        let response = tokio::task::spawn_blocking(move || invoke(&root, port, "sales-analytics"))
            .await
            .unwrap();
        assert_eq!(
            response["batchItemFailures"],
            serde_json::json!([]),
            "{response}"
        );
        let days = app.store().sales_days(range).await.unwrap();
        assert_eq!(days.len(), 1, "{days:?}");
        assert_eq!(
            (days[0].orders, days[0].units, days[0].revenue),
            (1, 2, 2_500)
        );
    }

    // The WebSocket API's functions: the authorizer takes the sample's
    // ticket (stored here as POST /realtime/tickets stores one), $connect
    // records the connection it let in, $disconnect forgets it.
    let hash: String = sha2::Sha256::digest(SAMPLE_TICKET.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    app.store()
        .put_ticket(&hash, "alice", Scope::Customer, chrono_like_now() + 60)
        .await
        .unwrap();
    let allowed = run(&root, port, "realtime-authorizer").await;
    assert_eq!(allowed["principalId"], "alice", "{allowed}");
    assert_eq!(allowed["policyDocument"]["Statement"][0]["Effect"], "Allow");
    assert_eq!(
        allowed["context"],
        serde_json::json!({"sub": "alice", "scope": "customer"})
    );
    let audience = shared::store::realtime::customer_audience("alice");
    let connected = run(&root, port, "realtime-connect").await;
    assert_eq!(connected["statusCode"], 200, "{connected}");
    assert_eq!(
        app.store()
            .connections_of(&audience, chrono_like_now())
            .await
            .unwrap(),
        vec!["Kp3ZrcbsIAMCF0A=".to_string()]
    );
    let disconnected = run(&root, port, "realtime-disconnect").await;
    assert_eq!(disconnected["statusCode"], 200, "{disconnected}");
    assert!(app
        .store()
        .connections_of(&audience, chrono_like_now())
        .await
        .unwrap()
        .is_empty());

    // The notifier, given the sample's order being paid, tells the
    // customer's open socket.
    let mut socket = app.watch(&app.token("customer-sample"), "customer").await;
    let pushed = run(&root, port, "order-notifier").await;
    assert_eq!(
        pushed["batchItemFailures"],
        serde_json::json!([]),
        "{pushed}"
    );
    let message = tests::realtime::next_message(&mut socket, Duration::from_secs(30))
        .await
        .expect("the notifier posts to the socket");
    assert_eq!(message["status"], "PAID", "{message}");
    assert_eq!(message["previousStatus"], "RESERVED", "{message}");

    // The workers, on the seeded order: reserve, charge, confirm, then the
    // compensation in reverse; no batch has failures (their task tokens
    // are not live, which counts as already reported).
    for (worker, status) in [
        ("reserve-stock", OrderStatus::Reserved),
        ("charge-payment", OrderStatus::Paid),
        ("notify-customer", OrderStatus::Paid),
        ("refund-payment", OrderStatus::Paid),
        ("release-stock", OrderStatus::Paid),
        ("mark-order-failed", OrderStatus::Cancelled),
        ("wait-for-stock", OrderStatus::Cancelled),
        ("fulfil-order", OrderStatus::Cancelled),
    ] {
        let root = root.clone();
        let response = tokio::task::spawn_blocking(move || invoke(&root, port, worker))
            .await
            .unwrap();
        assert_eq!(
            response["batchItemFailures"],
            serde_json::json!([]),
            "{worker}: {response}"
        );
        let order = app.store().get_order(ORDER).await.unwrap().unwrap();
        assert_eq!(order.status, status, "{worker}");
    }
    assert_eq!(
        app.stock("MUG-LOGO").await,
        (12, 0, 12),
        "released, never shipped"
    );

    // The integration functions: the publisher, given an order being paid
    // and a stock movement; the planner, given the bus's event (the
    // subscription is paused now, so nothing is planned); the deliverer,
    // given the seeded delivery; the erasure, of alice, whose order ended.
    for function in [
        "publish-domain-events",
        "plan-webhook-deliveries",
        "deliver-webhook",
        "erase-customer",
    ] {
        let response = run(&root, port, function).await;
        assert_eq!(
            response["batchItemFailures"],
            serde_json::json!([]),
            "{function}: {response}"
        );
    }
    let erased = app.store().get_order(ORDER).await.unwrap().unwrap();
    assert!(erased.erased_at.is_some(), "{erased:?}");
    assert_eq!(erased.customer.email, "");

    // Cancelling the (now cancelled) order answers it again.
    for function in ["cancel-my-order", "admin-cancel-order"] {
        let root = root.clone();
        let response = tokio::task::spawn_blocking(move || invoke(&root, port, function))
            .await
            .unwrap();
        assert_eq!(response["statusCode"], 200, "{function}: {response}");
    }
    // The stranded-order sweep, last: its grace period (300 s) may be over
    // for the orders this test wrote straight to the table, and it would
    // start their workflows.
    let sweep_root = root.clone();
    let sweep =
        tokio::task::spawn_blocking(move || invoke(&sweep_root, port, "start-stranded-orders"))
            .await
            .unwrap();
    assert!(sweep["pending"].is_u64(), "{sweep}");
    assert!(sweep["started"].is_array(), "{sweep}");
    drop(watch);
    let _ = std::fs::remove_file(&env_file.0);
}

/// Invokes `function` with its sample event off the async runtime.
async fn run(root: &Path, port: u16, function: &'static str) -> Value {
    let root = root.to_path_buf();
    tokio::task::spawn_blocking(move || invoke(&root, port, function))
        .await
        .unwrap()
}

fn tempfile_in(root: &Path) -> (std::path::PathBuf, std::fs::File) {
    let dir = root.join("target/tmp");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("lambda-env-{}", std::process::id()));
    let file = std::fs::File::create(&path).unwrap();
    (path, file)
}
