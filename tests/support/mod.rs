//! Test support: `spawn_app()` gives each test its own stack (tables,
//! queues, state machine, gateway, workers) in one shared emulator, so tests
//! run in parallel without seeing each other's data.

pub mod integration;
pub mod label;
pub mod realtime;
pub mod stripe_fake;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use local::identity::LocalIdentityProvider;
use local::{project_root, Emulator, LocalStack};
use serde_json::{json, Value};
use shared::domain::cart::Cart;
use shared::domain::checkout::{Address, Customer};
use shared::domain::money::{Currency, Money};
use shared::domain::order::{Order, OrderLine, OrderStatus, PaymentMethod, StatusChange};
use shared::domain::product::Sku;
use shared::store::idempotency::IdempotencyRecord;
use shared::store::Store;

struct Shared {
    endpoint: String,
    idp: LocalIdentityProvider,
    _emulator: Emulator,
}

static SHARED: OnceLock<Shared> = OnceLock::new();
static NEXT: AtomicUsize = AtomicUsize::new(0);

fn shared_state() -> &'static Shared {
    SHARED.get_or_init(|| {
        // Started on a runtime of its own: the emulator outlives each test's runtime.
        let root = project_root().expect("project root");
        let emulator = std::thread::spawn(move || {
            tokio::runtime::Runtime::new()
                .expect("runtime")
                .block_on(Emulator::start(&root, 0))
        })
        .join()
        .expect("emulator thread")
        .expect("the emulator starts (run `make setup` first)");
        Shared {
            endpoint: emulator.endpoint.clone(),
            idp: LocalIdentityProvider::generate().expect("key"),
            _emulator: emulator,
        }
    })
}

/// Where the tests' log lines are kept: one file per test process, which
/// `scan-logs` reads after the suite for personal data.
pub fn log_dir() -> std::path::PathBuf {
    project_root()
        .expect("project root")
        .join("target")
        .join("test-logs")
}

/// Writes every log line of this process, as JSON, to a file in
/// [`log_dir`], the way a function writes them to CloudWatch.
fn keep_logs() {
    let dir = log_dir();
    std::fs::create_dir_all(&dir).expect("the log directory");
    let name = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "test".into());
    let file = std::fs::File::create(dir.join(format!("{name}-{}.jsonl", std::process::id())))
        .expect("the log file");
    shared::telemetry::init_json_to(std::sync::Mutex::new(file));
}

/// SDK configuration for the shared emulator (for tests that need AWS
/// services but not a whole stack).
pub async fn emulator_sdk() -> aws_config::SdkConfig {
    local::sdk_config(&shared_state().endpoint).await
}

/// One test's running service.
pub struct TestApp {
    pub url: String,
    pub http: reqwest::Client,
    pub stack: LocalStack,
    pub sdk: aws_config::SdkConfig,
}

/// Starts a fresh stack for one test.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&std::collections::HashMap::new()).await
}

/// Starts a fresh stack whose functions see `overrides` in their environment.
pub async fn spawn_app_with(overrides: &std::collections::HashMap<String, String>) -> TestApp {
    static LOGS: std::sync::Once = std::sync::Once::new();
    LOGS.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            shared::telemetry::init();
        } else {
            keep_logs();
        }
    });
    let shared = shared_state();
    let root = project_root().expect("project root");
    let sdk = local::sdk_config(&shared.endpoint).await;
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let name = format!("t{}-{n}", std::process::id());
    // Most tests follow an order to SHIPPED without a warehouse in the loop;
    // the fulfilment tests ask for MANUAL (the template's default) themselves.
    let mut overrides = overrides.clone();
    overrides
        .entry("FULFILMENT_MODE".to_string())
        .or_insert_with(|| "AUTOMATIC".to_string());
    // Orders written straight to the table (`pending_order`) are driven by
    // hand and must not be started by the stranded-order sweep, which fires
    // every 5 minutes; the crash tests ask for a grace of 0 themselves.
    overrides
        .entry("STRANDED_ORDER_GRACE_SECONDS".to_string())
        .or_insert_with(|| "86400".to_string());
    let stack = LocalStack::start_with(
        &root,
        &sdk,
        &name,
        "127.0.0.1:0".parse().unwrap(),
        &shared.idp,
        &overrides,
    )
    .await
    .expect("the stack starts");
    TestApp {
        url: stack.base_url.clone(),
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client"),
        stack,
        sdk,
    }
}

/// A decoded response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl TestApp {
    pub fn token(&self, sub: &str) -> String {
        shared_state().idp.token(sub, false, 3600).expect("token")
    }

    /// The identity provider that signs this stack's tokens.
    pub fn identity_provider(&self) -> &'static LocalIdentityProvider {
        &shared_state().idp
    }

    pub fn admin_token(&self) -> String {
        shared_state()
            .idp
            .token("admin-1", true, 3600)
            .expect("token")
    }

    pub fn store(&self) -> Store {
        self.stack.app.store()
    }

    /// Sends a request with an optional bearer token, extra headers and a raw body.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<String>,
    ) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self.http.request(method, format!("{}{path}", self.url));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        if let Some(b) = body {
            request = request.header("content-type", "application/json").body(b);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Reply { status, body }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.send("GET", path, token, &[], None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.send("POST", path, token, &[], Some(body.to_string()))
            .await
    }

    /// Creates a product with `stock` units through the admin API.
    pub async fn create_product(&self, sku: &str, price: i64, stock: i64) {
        let admin = self.admin_token();
        let r = self
            .post(
                "/admin/products",
                Some(&admin),
                json!({"sku": sku, "name": format!("Product {sku}"), "price": {"amount": price, "currency": "USD"}, "lowStockThreshold": 2}),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        if stock > 0 {
            let r = self
                .post(
                    &format!("/admin/products/{sku}/stock"),
                    Some(&admin),
                    json!({"delta": stock, "reason": "received"}),
                )
                .await;
            assert_eq!(r.status, 200, "{:?}", r.body);
        }
    }

    /// A new cart for `token`'s customer holding `lines`.
    pub async fn cart_with(&self, token: Option<&str>, lines: &[(&str, i64)]) -> String {
        let r = self.send("POST", "/carts", token, &[], None).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
        let cart = r.body["cartId"].as_str().expect("cartId").to_string();
        for (sku, quantity) in lines {
            let r = self
                .post(
                    &format!("/carts/{cart}/items"),
                    token,
                    json!({"sku": sku, "quantity": quantity}),
                )
                .await;
            assert_eq!(r.status, 200, "{:?}", r.body);
        }
        cart
    }

    pub async fn checkout(&self, cart: &str, token: &str, key: &str, body: &Value) -> Reply {
        let headers = [("idempotency-key", key)];
        self.send(
            "POST",
            &format!("/carts/{cart}/checkout"),
            Some(token),
            &headers,
            Some(body.to_string()),
        )
        .await
    }

    /// Waits until the order's workflow has finished (SHIPPED, or a failure
    /// status with its compensation done) and returns the order as its
    /// customer sees it.
    pub async fn settled_order(&self, order_id: &str, token: &str) -> Value {
        let sfn = aws_sdk_sfn::Client::new(&self.sdk);
        let execution = self.execution_arn(order_id);
        for _ in 0..1200 {
            let done = match sfn
                .describe_execution()
                .execution_arn(&execution)
                .send()
                .await
            {
                Ok(e) => e.status().as_str() != "RUNNING",
                Err(_) => false,
            };
            if done {
                let r = self.get(&format!("/orders/{order_id}"), Some(token)).await;
                assert_eq!(r.status, 200, "{:?}", r.body);
                return r.body;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the workflow of order {order_id} did not finish");
    }

    /// GETs `path` and returns the status, the content type and the raw body.
    pub async fn get_bytes(&self, path: &str, token: &str) -> (u16, String, Vec<u8>) {
        let response = self
            .http
            .get(format!("{}{path}", self.url))
            .bearer_auth(token)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let body = response.bytes().await.expect("body").to_vec();
        (status, content_type, body)
    }

    /// An order as administrators see it.
    pub async fn admin_order(&self, order_id: &str) -> Value {
        let r = self
            .get(
                &format!("/admin/orders/{order_id}"),
                Some(&self.admin_token()),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body
    }

    /// The ARN of the order's execution (named after the order).
    pub fn execution_arn(&self, order_id: &str) -> String {
        let machine = &self.stack.app.config.order_workflow_arn;
        format!(
            "{}:{order_id}",
            machine.replace(":stateMachine:", ":execution:")
        )
    }

    /// The status the workflow's execution ended in.
    pub async fn execution_status(&self, order_id: &str) -> String {
        let sfn = aws_sdk_sfn::Client::new(&self.sdk);
        let execution = self.execution_arn(order_id);
        sfn.describe_execution()
            .execution_arn(&execution)
            .send()
            .await
            .unwrap()
            .status()
            .as_str()
            .to_string()
    }

    /// The carrier reports the order's parcel delivered (a signed webhook).
    pub async fn deliver(&self, order_id: &str) {
        let admin = self.admin_order(order_id).await;
        let tracking = admin["shipment"]["trackingNumber"].as_str().unwrap();
        let r = self.carrier_delivered(order_id, tracking).await;
        assert_eq!(r.status, 200, "{r:?}");
    }

    /// The carrier's "delivered" event for the parcel `tracking` of
    /// `order_id` (event id `evt-<order id>`), signed now.
    pub async fn carrier_delivered(&self, order_id: &str, tracking: &str) -> Reply {
        let body = json!({"eventId": format!("evt-{order_id}"), "trackingNumber": tracking,
                          "type": "delivered", "occurredAt": "2030-01-01T10:00:00Z"});
        self.carrier_event(&body.to_string()).await
    }

    /// Posts `body` to the carrier webhook, signed now with the local secret.
    pub async fn carrier_event(&self, body: &str) -> Reply {
        let signature = shared::webhooks::signature::sign(
            local::LOCAL_CARRIER_WEBHOOK_SECRET,
            chrono_now(),
            body.as_bytes(),
        )
        .unwrap();
        self.send(
            "POST",
            "/webhooks/carrier",
            None,
            &[("carrier-signature", signature.as_str())],
            Some(body.to_string()),
        )
        .await
    }

    /// `PUT /carts/{cart}/promotion` with `code`.
    pub async fn apply_promotion(&self, cart: &str, token: Option<&str>, code: &str) -> Reply {
        self.send(
            "PUT",
            &format!("/carts/{cart}/promotion"),
            token,
            &[],
            Some(json!({ "code": code }).to_string()),
        )
        .await
    }

    /// Stock figures of one SKU from the admin inventory.
    pub async fn stock(&self, sku: &str) -> (i64, i64, i64) {
        let p = self
            .store()
            .get_product(&shared::domain::product::Sku::parse(sku).unwrap())
            .await
            .unwrap()
            .unwrap();
        (p.on_hand, p.reserved, p.available)
    }
}

impl TestApp {
    /// Writes a PENDING order for `sub` straight into the store, without
    /// starting its workflow (for driving workers and stock by hand).
    pub async fn pending_order(&self, order_id: &str, sub: &str, lines: &[(&str, u32)]) -> Order {
        self.pending_order_at(order_id, sub, lines, &shared::domain::now_rfc3339())
            .await
    }

    /// Like [`TestApp::pending_order`], placed at `now` (RFC 3339).
    pub async fn pending_order_at(
        &self,
        order_id: &str,
        sub: &str,
        lines: &[(&str, u32)],
        now: &str,
    ) -> Order {
        let store = self.store();
        let now = now.to_string();
        let later = chrono_now() + 3600;
        let cart = Cart::new(
            uuid::Uuid::new_v4().to_string(),
            Some(sub.into()),
            &now,
            later,
        );
        store.create_cart(&cart).await.unwrap();
        let skus: Vec<Sku> = lines.iter().map(|(s, _)| Sku::parse(s).unwrap()).collect();
        let products = store.get_products(&skus).await.unwrap();
        let order_lines: Vec<OrderLine> = lines
            .iter()
            .map(|(sku, quantity)| {
                let p = &products[&Sku::parse(sku).unwrap()];
                OrderLine {
                    sku: p.sku.clone(),
                    name: p.name.clone(),
                    quantity: *quantity,
                    unit_price: p.price.clone(),
                    line_total: p.price.times(*quantity).unwrap(),
                    discount: None,
                    tax: None,
                }
            })
            .collect();
        let mut order = sample_order(order_id, sub, order_lines, &now);
        order.cart_id = cart.cart_id.clone();
        let record = IdempotencyRecord {
            pk: format!("checkout#{sub}#{order_id}"),
            request_hash: "seed".into(),
            status_code: 202,
            response_body: "{}".into(),
            order_id: order_id.into(),
            expires_at: later,
        };
        store
            .place_order(&order, &cart, &record, chrono_now(), None)
            .await
            .unwrap();
        order
    }
}

/// A PENDING order of `lines` for `sub`, placed at `now`, shipping to a
/// fixed address (written nowhere; `TestApp::pending_order` stores one).
pub fn sample_order(order_id: &str, sub: &str, lines: Vec<OrderLine>, now: &str) -> Order {
    let total = lines.iter().fold(
        Money {
            amount: 0,
            currency: Currency::parse("USD").unwrap(),
        },
        |t, l| t.plus(&l.line_total).unwrap(),
    );
    Order {
        order_id: order_id.into(),
        order_number: "ORD-999999".into(),
        customer_sub: sub.into(),
        customer: Customer {
            name: "Ada Lovelace".into(),
            email: "ada@example.com".into(),
            phone: None,
        },
        shipping_address: Address {
            line1: "1 Main St".into(),
            line2: None,
            city: "Springfield".into(),
            region: Some("IL".into()),
            postal_code: "62701".into(),
            country: "US".into(),
        },
        billing_address: None,
        payment: PaymentMethod {
            method_token: "pm_card_visa".into(),
        },
        lines,
        subtotal: total.clone(),
        discount: None,
        shipping: None,
        tax: None,
        tax_included: false,
        shipping_option: None,
        total,
        status: OrderStatus::Pending,
        status_history: vec![StatusChange {
            status: OrderStatus::Pending,
            at: now.into(),
            reason: None,
        }],
        cart_id: "cart-1".into(),
        created_at: now.into(),
        updated_at: now.into(),
        stock_state: Default::default(),
        payment_record: None,
        shipment: None,
        tracking_events: Vec::new(),
        promotion: None,
        backorder_token: None,
        after_sales: Default::default(),
        erased_at: None,
    }
}

impl TestApp {
    /// E-mails the emulator's SES sent to `to`, as (subject, body).
    pub async fn sent_emails(&self, to: &str) -> Vec<(String, String)> {
        let endpoint = self.sdk.endpoint_url().unwrap().to_string();
        let data: Value = self
            .http
            .get(format!("{endpoint}/moto-api/data.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut out = Vec::new();
        for message in data["ses"]["Message"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            let to_addresses = message["destinations"]["ToAddresses"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if to_addresses.iter().any(|a| a == to) {
                out.push((
                    message["subject"].as_str().unwrap_or_default().to_string(),
                    message["body"].as_str().unwrap_or_default().to_string(),
                ));
            }
        }
        out
    }
}

/// The statuses an order (as the API shows it) went through, in order.
pub fn status_history(order: &Value) -> Vec<String> {
    order["statusHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap().to_string())
        .collect()
}

pub fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A valid checkout body paying with `token`, e-mailing `email`.
pub fn checkout_body_with(email: &str, token: &str, postal_code: &str) -> Value {
    let mut body = checkout_body("Ada Lovelace");
    body["customer"]["email"] = json!(email);
    body["payment"]["methodToken"] = json!(token);
    body["shippingAddress"]["postalCode"] = json!(postal_code);
    body
}

/// A valid checkout body.
pub fn checkout_body(name: &str) -> Value {
    json!({
        "customer": {"name": name, "email": "ada@example.com", "phone": "+15555550100"},
        "shippingAddress": {"line1": "1 Main St", "line2": null, "city": "Springfield", "region": "IL", "postalCode": "62701", "country": "US"},
        "billingAddress": null,
        "payment": {"methodToken": "pm_card_visa"}
    })
}
