//! Integration with the shop's other services: the domain events on the
//! bus (one order's whole life, each event valid against its schema,
//! replays keeping ids, nothing for a change that did not commit), signed
//! webhooks delivered at least once, and erasure of a customer's personal
//! data from every table.

use std::time::Duration;

use serde_json::{json, Value};
use tests::integration::{every_item, EventCapture, Receiver, Schemas};
use tests::{checkout_body, spawn_app, TestApp};

async fn admin(app: &TestApp, method: &str, path: &str, body: Option<Value>) -> tests::Reply {
    app.send(
        method,
        path,
        Some(&app.admin_token()),
        &[],
        body.map(|b| b.to_string()),
    )
    .await
}

async fn adjust(app: &TestApp, sku: &str, delta: i64) -> tests::Reply {
    admin(
        app,
        "POST",
        &format!("/admin/products/{sku}/stock"),
        Some(json!({"delta": delta, "reason": "purchase order"})),
    )
    .await
}

/// Places an order for `lines` as `sub` with `body` and waits for its
/// workflow (the tests' stacks fulfil automatically: it ships).
async fn shipped_order(app: &TestApp, sub: &str, lines: &[(&str, i64)], body: &Value) -> String {
    let token = app.token(sub);
    let cart = app.cart_with(Some(&token), lines).await;
    let placed = app
        .checkout(&cart, &token, &uuid::Uuid::new_v4().to_string(), body)
        .await;
    assert_eq!(placed.status, 202, "{placed:?}");
    let order_id = placed.body["orderId"].as_str().unwrap().to_string();
    assert_eq!(
        app.settled_order(&order_id, &token).await["status"],
        "SHIPPED"
    );
    order_id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_orders_life_publishes_exactly_its_events_in_order_each_valid_and_replays_keep_their_ids(
) {
    let app = spawn_app().await;
    let schemas = Schemas::load();
    let expected_types: Vec<String> = shared::domain::events::EventType::ALL
        .iter()
        .map(|t| t.as_str().to_string())
        .collect();
    let mut sorted = expected_types.clone();
    sorted.sort();
    assert_eq!(schemas.types(), sorted, "one schema per event type");

    // Subscribed first, so the replay below can only repeat what it saw.
    let mut capture = EventCapture::start(&app).await;
    app.create_product("TEE", 1_000, 10).await;
    app.create_product("MUG", 1_400, 10).await;

    // Placed, paid, shipped, delivered; a partial return received and refunded.
    let alice = app.token("alice");
    let order_id = shipped_order(
        &app,
        "alice",
        &[("TEE", 2), ("MUG", 1)],
        &checkout_body("Alice"),
    )
    .await;
    app.deliver(&order_id).await;
    let r = app
        .post(
            &format!("/orders/{order_id}/returns"),
            Some(&alice),
            json!({"lines": [{"sku": "TEE", "quantity": 1}], "reason": "too small"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let return_id = r.body["returnId"].as_str().unwrap().to_string();
    let base = format!("/admin/orders/{order_id}/returns/{return_id}");
    assert_eq!(
        admin(&app, "POST", &format!("{base}/approve"), Some(json!({})))
            .await
            .status,
        200
    );
    let received = admin(
        &app,
        "POST",
        &format!("{base}/receive"),
        Some(json!({"lines": [{"sku": "TEE", "disposition": "RESTOCK"}]})),
    )
    .await;
    assert_eq!(received.body["status"], "REFUNDED", "{received:?}");

    capture
        .until(|e| e["type"] == "RefundIssued", Duration::from_secs(3))
        .await;
    let events = capture.of_order(&order_id);
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "OrderPlaced",
            "OrderPaid",
            "OrderShipped",
            "OrderDelivered",
            "ReturnRequested",
            "ReturnReceived",
            "RefundIssued"
        ],
        "{events:#?}"
    );
    for event in &capture.seen {
        schemas.check(event);
    }
    // What another service acts on without calling back.
    assert_eq!(events[0]["data"]["customer"]["email"], "ada@example.com");
    assert_eq!(events[0]["data"]["lines"].as_array().unwrap().len(), 2);
    assert_eq!(events[1]["data"]["amount"], events[0]["data"]["total"]);
    assert!(events[2]["data"]["trackingNumber"].is_string());
    assert_eq!(events[5]["data"]["returnId"], json!(return_id));
    assert_eq!(events[6]["data"]["amount"], received.body["refund"]);
    assert_eq!(events[6]["data"]["returnId"], json!(return_id));
    // The restocked unit is a stock movement (after the opening receipt).
    let tee: Vec<i64> = capture
        .seen
        .iter()
        .filter(|e| e["type"] == "StockAdjusted" && e["sku"] == "TEE")
        .map(|e| e["data"]["delta"].as_i64().unwrap())
        .collect();
    assert_eq!(tee.last(), Some(&1), "{tee:?}");
    assert_eq!(tee.iter().filter(|d| **d == 1).count(), 1, "{tee:?}");

    // Every stream record handled again (as Lambda does after a failure):
    // the same events, the same ids; a consumer deduplicating on the id
    // counts nothing twice.
    let first: std::collections::BTreeSet<String> = capture
        .seen
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(first.len(), capture.seen.len(), "one id per event");
    let bus = shared::events::EventBus::new(&app.sdk, &app.stack.app.config);
    let streams = aws_sdk_dynamodbstreams::Client::new(&app.sdk);
    let mut replayed = 0;
    for table in ["OrdersTable", "InventoryLedgerTable", "ProductsTable"] {
        let arn = &app.stack.stack.streams[table];
        let records = local::streams::read_all(&streams, arn).await.unwrap();
        replayed += records.len();
        let mut event = aws_lambda_events::event::dynamodb::Event::default();
        event.records = records;
        let response = shared::events::publish(&bus, event).await;
        assert!(response.batch_item_failures.is_empty(), "{response:?}");
    }
    assert!(
        replayed > 10,
        "the streams were replayed: {replayed} records"
    );
    let before = capture.seen.len();
    capture.until(|_| true, Duration::from_secs(2)).await;
    assert!(capture.seen.len() >= before * 2 - 1, "republished");
    let after: std::collections::BTreeSet<String> = capture
        .seen
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(after, first, "a replay yields no new ids");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_whose_transaction_fails_publishes_nothing() {
    let app = spawn_app().await;
    app.create_product("CUP", 800, 0).await;
    let mut capture = EventCapture::start(&app).await;

    // Writing off more than is on hand: the stock update's condition fails,
    // so neither the product nor the ledger changes.
    let refused = adjust(&app, "CUP", -50).await;
    assert_eq!(refused.status, 409, "{refused:?}");
    // A later movement that commits is published: the pipeline was live.
    assert_eq!(adjust(&app, "CUP", 7).await.status, 200);
    capture
        .until(
            |e| e["type"] == "StockAdjusted" && e["data"]["delta"] == 7,
            Duration::from_secs(2),
        )
        .await;
    let cup: Vec<i64> = capture
        .seen
        .iter()
        .filter(|e| e["sku"] == "CUP" && e["type"] == "StockAdjusted")
        .map(|e| e["data"]["delta"].as_i64().unwrap())
        .collect();
    assert_eq!(
        cup,
        vec![7],
        "only the committed movement: {:#?}",
        capture.seen
    );

    // Two checkouts of one cart at once: the one whose transaction fails
    // (the cart is no longer the version it read) writes no order and
    // publishes nothing.
    let bob = app.token("bob");
    let cart = app.cart_with(Some(&bob), &[("CUP", 1)]).await;
    let body = checkout_body("Bob");
    let (first, second) = tokio::join!(
        app.checkout(&cart, &bob, "first", &body),
        app.checkout(&cart, &bob, "second", &body)
    );
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(statuses, [202, 409], "{first:?} {second:?}");
    let accepted = if first.status == 202 { &first } else { &second };
    let order_id = accepted.body["orderId"].as_str().unwrap().to_string();
    app.settled_order(&order_id, &bob).await;
    capture
        .until(|e| e["type"] == "OrderShipped", Duration::from_secs(2))
        .await;
    let placed = capture.of_type("OrderPlaced");
    assert_eq!(placed.len(), 1, "{placed:#?}");
    assert_eq!(placed[0]["orderId"], json!(order_id));
}

/// The Standard Webhooks reference verifier's judgement of a delivery.
fn verify(secret: &str, received: &tests::integration::Received) -> bool {
    standardwebhooks::Webhook::new(secret)
        .unwrap()
        .verify(&received.body, &received.headers)
        .is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_are_signed_retried_with_the_same_id_and_never_sent_to_private_addresses() {
    let app = spawn_app().await;
    // No stock yet: the first movement is the one the receiver hears of.
    app.create_product("LAMP", 3_000, 0).await;

    // A URL that resolves to a private, link-local or metadata address is
    // refused, as is plain http off loopback.
    for url in [
        "https://10.0.0.7/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[fd00:ec2::254]/x",
        "https://192.168.1.20:8443/hook",
        "http://93.184.215.14/hook",
    ] {
        let r = admin(
            &app,
            "POST",
            "/admin/webhooks",
            Some(json!({"url": url, "eventTypes": ["StockAdjusted"]})),
        )
        .await;
        assert_eq!(r.status, 422, "{url}: {r:?}");
        assert_eq!(r.body["error"]["code"], "webhook_url_refused", "{url}");
    }
    let r = admin(
        &app,
        "POST",
        "/admin/webhooks",
        Some(json!({"url": "https://hooks.example.com/x", "eventTypes": ["Nope"]})),
    )
    .await;
    assert_eq!(r.status, 400, "{r:?}");

    // A receiver that fails twice gets the event on the third try, each
    // time with the same id, signed as the reference verifier expects.
    let receiver = Receiver::start(&[500, 500]).await;
    let created = admin(
        &app,
        "POST",
        "/admin/webhooks",
        Some(json!({"url": receiver.url, "eventTypes": ["StockAdjusted"], "description": "warehouse"})),
    )
    .await;
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(created.body["state"], "ACTIVE");
    let secret = created.body["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    let webhook_id = created.body["webhookId"].as_str().unwrap().to_string();
    let shown = admin(&app, "GET", &format!("/admin/webhooks/{webhook_id}"), None).await;
    assert!(shown.body.get("secret").is_none(), "shown once: {shown:?}");

    assert_eq!(adjust(&app, "LAMP", 4).await.status, 200);
    let got = receiver.until(3).await;
    let ids: Vec<&str> = got
        .iter()
        .map(|r| r.headers["webhook-id"].to_str().unwrap())
        .collect();
    assert_eq!(ids, vec![ids[0]; 3], "one id on every attempt");
    assert_eq!(
        got.iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![500, 500, 200]
    );
    for attempt in &got {
        assert!(verify(&secret, attempt), "the signature verifies");
    }
    let body: Value = serde_json::from_slice(&got[2].body).unwrap();
    assert_eq!(body["type"], "StockAdjusted");
    assert_eq!(body["id"], json!(ids[0]));
    assert_eq!(body["sku"], "LAMP");
    // A tampered body does not verify.
    let mut tampered = got[2].clone();
    tampered.body = br#"{"type":"StockAdjusted","forged":true}"#.to_vec();
    assert!(!verify(&secret, &tampered));

    // The dashboard sees the delivery and its attempts.
    let deliveries = admin(
        &app,
        "GET",
        &format!("/admin/webhooks/{webhook_id}/deliveries"),
        None,
    )
    .await;
    assert_eq!(deliveries.status, 200, "{deliveries:?}");
    let delivery = &deliveries.body["items"][0];
    assert_eq!(delivery["status"], "DELIVERED", "{delivery}");
    assert_eq!(delivery["eventId"], json!(ids[0]));
    let codes: Vec<u64> = delivery["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["statusCode"].as_u64().unwrap())
        .collect();
    assert_eq!(codes, vec![500, 500, 200]);

    // Redelivered on request, with the same id.
    let delivery_id = delivery["deliveryId"].as_str().unwrap();
    let again = admin(
        &app,
        "POST",
        &format!("/admin/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver"),
        None,
    )
    .await;
    assert_eq!(again.status, 202, "{again:?}");
    let got = receiver.until(4).await;
    assert_eq!(got[3].headers["webhook-id"].to_str().unwrap(), ids[0]);

    // After a rotation both secrets verify for a day.
    let rotated = admin(
        &app,
        "POST",
        &format!("/admin/webhooks/{webhook_id}/rotate-secret"),
        None,
    )
    .await;
    assert_eq!(rotated.status, 200, "{rotated:?}");
    let new_secret = rotated.body["secret"].as_str().unwrap().to_string();
    assert_ne!(new_secret, secret);
    assert!(rotated.body["previousSecretExpiresAt"].is_string());
    assert_eq!(adjust(&app, "LAMP", 1).await.status, 200);
    let got = receiver.until(5).await;
    assert!(verify(&new_secret, &got[4]) && verify(&secret, &got[4]));

    // Paused: nothing more is sent; unsubscribed types are never sent.
    let paused = admin(
        &app,
        "PATCH",
        &format!("/admin/webhooks/{webhook_id}"),
        Some(json!({"active": false})),
    )
    .await;
    assert_eq!(paused.body["state"], "PAUSED", "{paused:?}");
    assert_eq!(adjust(&app, "LAMP", 1).await.status, 200);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(receiver.received().len(), 5);
    let deleted = admin(
        &app,
        "DELETE",
        &format!("/admin/webhooks/{webhook_id}"),
        None,
    )
    .await;
    assert_eq!(deleted.status, 204);
    let gone = admin(&app, "GET", &format!("/admin/webhooks/{webhook_id}"), None).await;
    assert_eq!(gone.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_never_answers_2xx_ends_in_the_dead_letter_queue_and_the_subscription_failing(
) {
    let app = spawn_app().await;
    app.create_product("BELL", 900, 0).await;
    let receiver = Receiver::start(&[503, 503, 503, 503, 503]).await;
    let created = admin(
        &app,
        "POST",
        "/admin/webhooks",
        Some(json!({"url": receiver.url, "eventTypes": ["StockAdjusted"]})),
    )
    .await;
    let webhook_id = created.body["webhookId"].as_str().unwrap().to_string();
    assert_eq!(adjust(&app, "BELL", 2).await.status, 200);
    // The local schedule retries after 1, 2 and 4 s: four attempts.
    receiver.until(4).await;
    let mut state = Value::Null;
    for _ in 0..100 {
        state = admin(&app, "GET", &format!("/admin/webhooks/{webhook_id}"), None)
            .await
            .body;
        if state["state"] == "FAILING" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(state["state"], "FAILING", "{state}");
    let deliveries = admin(
        &app,
        "GET",
        &format!("/admin/webhooks/{webhook_id}/deliveries"),
        None,
    )
    .await;
    assert_eq!(deliveries.body["items"][0]["status"], "FAILED");
    let dlq = &app.stack.stack.queues["WebhookDeliveriesDeadLetterQueue"].0;
    let sqs = aws_sdk_sqs::Client::new(&app.sdk);
    let out = sqs
        .receive_message()
        .queue_url(dlq)
        .wait_time_seconds(2)
        .send()
        .await
        .unwrap();
    assert_eq!(out.messages.unwrap_or_default().len(), 1, "dead-lettered");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(receiver.received().len(), 4, "no attempt after the last");
    // Switching it on again clears the mark.
    let resumed = admin(
        &app,
        "PATCH",
        &format!("/admin/webhooks/{webhook_id}"),
        Some(json!({"active": true})),
    )
    .await;
    assert_eq!(resumed.body["state"], "ACTIVE", "{resumed:?}");
}

/// Every fragment of the customer's personal data, for the table scan.
struct Person {
    sub: String,
    name: String,
    email: String,
    phone: String,
    line1: String,
    line2: String,
    city: String,
    postal_code: String,
}

impl Person {
    fn new() -> Self {
        let id = uuid::Uuid::new_v4();
        let tag = id.simple().to_string()[..10].to_string();
        let digits = format!("{:07}", id.as_u128() % 10_000_000);
        Self {
            sub: format!("erin-{tag}"),
            name: format!("Erin Q{tag}"),
            email: format!("erin.{tag}@example.com"),
            phone: format!("+1 555 {} {}", &digits[..3], &digits[3..]),
            line1: format!("{tag} Lantern Row"),
            line2: format!("Flat Z{tag}"),
            city: format!("Hollowmere{tag}"),
            postal_code: format!("9{}", &digits[..4]),
        }
    }

    fn checkout_body(&self) -> Value {
        json!({
            "customer": {"name": self.name, "email": self.email, "phone": self.phone},
            "shippingAddress": self.address(),
            "billingAddress": self.address(),
            "payment": {"methodToken": "pm_card_visa"}
        })
    }

    fn address(&self) -> Value {
        json!({"line1": self.line1, "line2": self.line2, "city": self.city, "region": "OR",
               "postalCode": self.postal_code, "country": "US"})
    }

    /// The fragments that must not survive an erasure.
    fn traces(&self) -> Vec<String> {
        vec![
            self.name.to_lowercase(),
            self.email.to_lowercase(),
            self.phone.clone(),
            self.phone.replace(' ', ""),
            self.line1.to_lowercase(),
            self.line2.to_lowercase(),
            self.city.to_lowercase(),
            // As a whole JSON string: five bare digits also occur inside
            // timestamps and expiry times.
            format!("\"{}\"", self.postal_code),
        ]
    }
}

/// The user service asks for `sub`'s erasure on the bus.
async fn user_service_erases(app: &TestApp, sub: &str) {
    aws_sdk_eventbridge::Client::new(&app.sdk)
        .put_events()
        .entries(
            aws_sdk_eventbridge::types::PutEventsRequestEntry::builder()
                .event_bus_name(&app.stack.app.config.integrations.event_bus)
                .source("user-service")
                .detail_type("UserErasureRequested")
                .detail(json!({ "sub": sub }).to_string())
                .build(),
        )
        .send()
        .await
        .unwrap();
}

async fn erasure_of(app: &TestApp, sub: &str, until: impl Fn(&Value) -> bool) -> Value {
    let mut last = Value::Null;
    for _ in 0..300 {
        let r = admin(app, "GET", &format!("/admin/customers/{sub}/erasure"), None).await;
        if r.status == 200 {
            last = r.body;
            if until(&last) {
                return last;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the erasure did not get there: {last}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasing_a_customer_leaves_no_trace_in_any_table_keeps_the_amounts_and_is_idempotent() {
    let app = spawn_app().await;
    app.create_product("KITE", 2_500, 20).await;
    let erin = Person::new();
    let mut capture = EventCapture::start(&app).await;
    // A subscriber to OrderPlaced gets Erin's contact and address.
    let receiver = Receiver::start(&[]).await;
    let hook = admin(
        &app,
        "POST",
        "/admin/webhooks",
        Some(json!({"url": receiver.url, "eventTypes": ["OrderPlaced", "OrderShipped"]})),
    )
    .await;
    assert_eq!(hook.status, 201, "{hook:?}");

    // Two orders, one delivered (ended) and one shipped (in progress); a
    // cart with her address; another customer who must be untouched.
    let delivered = shipped_order(&app, &erin.sub, &[("KITE", 2)], &erin.checkout_body()).await;
    app.deliver(&delivered).await;
    let in_transit = shipped_order(&app, &erin.sub, &[("KITE", 1)], &erin.checkout_body()).await;
    let token = app.token(&erin.sub);
    let cart = app.cart_with(Some(&token), &[("KITE", 1)]).await;
    let r = app
        .send(
            "PUT",
            &format!("/carts/{cart}/shipping-address"),
            Some(&token),
            &[],
            Some(erin.address().to_string()),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let other = Person::new();
    let untouched = shipped_order(&app, &other.sub, &[("KITE", 1)], &other.checkout_body()).await;
    receiver.until(6).await;

    let today = chrono::Utc::now().date_naive();
    let report = format!("/admin/reports/sales?from={today}&to={today}&granularity=day");
    let sales_before = admin(&app, "GET", &report, None).await.body;
    let totals = |id: &str| {
        let id = id.to_string();
        let app = &app;
        async move {
            let o = app.admin_order(&id).await;
            (
                o["total"].clone(),
                o["lines"].clone(),
                o["orderNumber"].clone(),
                o["createdAt"].clone(),
            )
        }
    };
    let before = (totals(&delivered).await, totals(&in_transit).await);
    let scan = every_item(&app).await;
    assert!(
        scan.iter()
            .any(|(_, item)| item.to_lowercase().contains(&erin.email)),
        "the scan sees her data before"
    );

    // Erased: the delivered order now; the one in transit once it ends.
    let asked = admin(
        &app,
        "POST",
        &format!("/admin/customers/{}/erase", erin.sub),
        None,
    )
    .await;
    assert_eq!(asked.status, 202, "{asked:?}");
    assert_eq!(asked.body["source"], "ADMIN");
    let waiting = erasure_of(&app, &erin.sub, |e| e["ordersErased"] == 1).await;
    assert_eq!(waiting["status"], "PENDING", "{waiting}");
    assert_eq!(waiting["ordersWaiting"], 1);
    let half = app.admin_order(&delivered).await;
    assert!(half["erasedAt"].is_string(), "{half}");
    assert_eq!(half["customer"]["email"], "");
    assert_eq!(half["shippingAddress"]["country"], "US");
    assert_eq!(
        app.admin_order(&in_transit).await["customer"]["email"],
        json!(erin.email)
    );

    app.deliver(&in_transit).await;
    let done = erasure_of(&app, &erin.sub, |e| e["status"] == "COMPLETE").await;
    assert_eq!(
        (done["ordersErased"].clone(), done["ordersWaiting"].clone()),
        (json!(2), json!(0))
    );
    assert!(done["completedAt"].is_string());
    capture
        .until(|e| e["type"] == "CustomerErased", Duration::from_secs(2))
        .await;
    let erased_events = capture.of_type("CustomerErased");
    assert_eq!(erased_events.len(), 1);
    assert_eq!(erased_events[0]["customerSub"], json!(erin.sub));
    assert_eq!(erased_events[0]["data"]["ordersErased"], 2);

    // No trace of her in any table; amounts, lines, numbers and dates kept.
    let scan = every_item(&app).await;
    for (table, item) in &scan {
        let lower = item.to_lowercase();
        for trace in erin.traces() {
            assert!(
                !lower.contains(&trace),
                "{table} still holds {trace:?}: {item}"
            );
        }
    }
    assert_eq!(
        (totals(&delivered).await, totals(&in_transit).await),
        before
    );
    assert_eq!(admin(&app, "GET", &report, None).await.body, sales_before);
    // Erin's own view still lists her orders; the other customer's is whole.
    assert_eq!(
        app.get("/orders", Some(&token)).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let kept = app.admin_order(&untouched).await;
    assert_eq!(kept["customer"]["email"], json!(other.email));
    assert!(kept.get("erasedAt").is_none());
    assert!(scan.iter().any(|(_, item)| item.contains(&other.line1)));
    // Her OrderPlaced deliveries can no longer be sent again.
    let webhook_id = hook.body["webhookId"].as_str().unwrap();
    let deliveries = admin(
        &app,
        "GET",
        &format!("/admin/webhooks/{webhook_id}/deliveries?limit=100"),
        None,
    )
    .await;
    let erased: Vec<&Value> = deliveries.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["payloadErased"] == true)
        .collect();
    assert_eq!(erased.len(), 2, "{deliveries:?}");
    let r = admin(
        &app,
        "POST",
        &format!(
            "/admin/webhooks/{webhook_id}/deliveries/{}/redeliver",
            erased[0]["deliveryId"].as_str().unwrap()
        ),
        None,
    )
    .await;
    assert_eq!(r.status, 409, "{r:?}");
    assert_eq!(r.body["error"]["code"], "payload_erased");

    // A second erasure changes nothing (the user service asking too).
    let again = admin(
        &app,
        "POST",
        &format!("/admin/customers/{}/erase", erin.sub),
        None,
    )
    .await;
    assert_eq!(again.status, 202);
    assert_eq!(again.body["status"], "COMPLETE");
    user_service_erases(&app, &erin.sub).await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    capture.drain().await;
    assert_eq!(every_item(&app).await, scan, "nothing changed");
    assert_eq!(capture.of_type("CustomerErased").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_user_services_erasure_event_erases_a_customer_it_names() {
    let app = spawn_app().await;
    app.create_product("DRUM", 4_000, 5).await;
    let finn = Person::new();
    let order_id = shipped_order(&app, &finn.sub, &[("DRUM", 1)], &finn.checkout_body()).await;
    app.deliver(&order_id).await;
    user_service_erases(&app, &finn.sub).await;
    let done = erasure_of(&app, &finn.sub, |e| e["status"] == "COMPLETE").await;
    assert_eq!(done["source"], "USER_SERVICE");
    assert_eq!(done["ordersErased"], 1);
    let order = app.admin_order(&order_id).await;
    assert_eq!(order["customer"]["name"], "");
    assert_eq!(order["shippingAddress"]["line1"], "");
    assert!(order["total"]["amount"].as_i64().unwrap() > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_whose_events_cannot_be_published_end_in_the_dead_letter_queue() {
    // A bus that does not exist refuses every entry.
    let overrides = std::collections::HashMap::from([(
        "EVENT_BUS_NAME".to_string(),
        "no-such-bus".to_string(),
    )]);
    let app = tests::spawn_app_with(&overrides).await;
    app.create_product("HORN", 1_200, 0).await;
    assert_eq!(adjust(&app, "HORN", 3).await.status, 200);
    let dlq = &app.stack.stack.queues["DomainEventsDeadLetterQueue"].0;
    let sqs = aws_sdk_sqs::Client::new(&app.sdk);
    let mut parked = Vec::new();
    for _ in 0..90 {
        let out = sqs
            .receive_message()
            .queue_url(dlq)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap();
        parked.extend(out.messages.unwrap_or_default());
        if !parked.is_empty() {
            break;
        }
    }
    assert!(!parked.is_empty(), "the failed record is parked");
    let body: Value = serde_json::from_str(parked[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body["requestContext"]["condition"], "RetryAttemptsExhausted",
        "{body}"
    );
    assert_eq!(
        body["requestContext"]["functionArn"], "publish-domain-events",
        "{body}"
    );
}
