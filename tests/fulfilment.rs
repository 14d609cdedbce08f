//! Fulfilment as a warehouse does it: with the shop's fulfilment mode
//! MANUAL, a paid order waits in the fulfilment queue (its workflow waiting
//! on a stored token) until staff ship it, with the shop's carrier or
//! another; cancelling it while it waits ends the workflow with one refund
//! and the stock back on the shelf. The settings that choose the mode are
//! versioned and for administrators only.

use std::collections::HashMap;
use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use serde_json::{json, Value};
use shared::domain::order::OrderStatus;
use shared::payments::sandbox::Operation;
use shared::workers::Worker;
use tests::{checkout_body_with, spawn_app_with, status_history as history, TestApp};

async fn spawn_manual() -> TestApp {
    spawn_app_with(&HashMap::from([(
        "FULFILMENT_MODE".to_string(),
        "MANUAL".to_string(),
    )]))
    .await
}

fn refunds(app: &TestApp) -> usize {
    app.stack
        .payments
        .operations()
        .iter()
        .filter(|o| matches!(o, Operation::Refund { .. }))
        .count()
}

/// Checks out `lines` for `sub`, e-mailing `email`, shipping to `postal_code`.
async fn place(
    app: &TestApp,
    sub: &str,
    email: &str,
    lines: &[(&str, i64)],
    postal_code: &str,
) -> String {
    let token = app.token(sub);
    let cart = app.cart_with(Some(&token), lines).await;
    let r = app
        .checkout(
            &cart,
            &token,
            "k",
            &checkout_body_with(email, "pm_card_visa", postal_code),
        )
        .await;
    assert_eq!(r.status, 202, "{r:?}");
    r.body["orderId"].as_str().unwrap().to_string()
}

/// Waits until the order (as administrators see it) has `status`.
async fn reaches(app: &TestApp, order_id: &str, status: &str) -> Value {
    for _ in 0..600 {
        let order = app.admin_order(order_id).await;
        if order["status"] == status {
            return order;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("order {order_id} never became {status}");
}

/// Waits until the order's workflow has ended and returns how.
async fn execution_ends(app: &TestApp, order_id: &str) -> String {
    for _ in 0..600 {
        let status = app.execution_status(order_id).await;
        if status != "RUNNING" {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the workflow of {order_id} did not end");
}

fn subjects_ending(emails: &[(String, String)], ending: &str) -> usize {
    emails.iter().filter(|(s, _)| s.ends_with(ending)).count()
}

async fn ship(app: &TestApp, order_id: &str, body: Option<Value>) -> tests::Reply {
    app.send(
        "POST",
        &format!("/admin/orders/{order_id}/ship"),
        Some(&app.admin_token()),
        &[],
        body.map(|b| b.to_string()),
    )
    .await
}

fn event(body: Value) -> SqsEvent {
    let mut event = SqsEvent::default();
    let mut m = SqsMessage::default();
    m.message_id = Some("m-1".into());
    m.body = Some(body.to_string());
    event.records = vec![m];
    event
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paid_order_waits_in_the_queue_until_staff_ship_it_and_the_customer_gets_one_shipped_email(
) {
    let app = spawn_manual().await;
    app.create_product("MUG", 1_400, 10).await;
    let email = "waiting@example.com";
    let order_id = place(&app, "ann", email, &[("MUG", 2)], "62701").await;

    let waiting = reaches(&app, &order_id, "AWAITING_FULFILMENT").await;
    assert_eq!(
        history(&waiting),
        ["PENDING", "RESERVED", "PAID", "AWAITING_FULFILMENT"]
    );
    assert_eq!(app.stock("MUG").await, (10, 2, 8), "the units stay held");
    // The workflow waits on the stored token: nothing moves meanwhile.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(app.execution_status(&order_id).await, "RUNNING");
    let still = app.admin_order(&order_id).await;
    assert_eq!(history(&still).len(), 4, "{still}");
    // The token is never shown, to the customer or to staff.
    let ann = app.token("ann");
    let mine = app.get(&format!("/orders/{order_id}"), Some(&ann)).await;
    assert_eq!(mine.body["status"], "AWAITING_FULFILMENT");
    let stored = app
        .store()
        .get_order_for_fulfilment(&order_id)
        .await
        .unwrap()
        .unwrap();
    let token = stored.token.expect("the token is stored on the order");
    for shown in [&mine.body, &still] {
        assert!(!shown.to_string().contains(&token), "{shown}");
    }
    // It is in the queue, with nothing to print yet.
    let admin = app.admin_token();
    let queue = app.get("/admin/fulfilment", Some(&admin)).await;
    assert_eq!(queue.status, 200, "{queue:?}");
    assert_eq!(queue.body["items"][0]["orderId"], order_id.as_str());
    let label_path = format!("/admin/orders/{order_id}/label");
    let (status, _, _) = app.get_bytes(&label_path, &admin).await;
    assert_eq!(status, 409, "no label before it ships");

    // Staff ship it with the shop's carrier.
    let shipped = ship(&app, &order_id, None).await;
    assert_eq!(shipped.status, 200, "{shipped:?}");
    assert_eq!(shipped.body["status"], "SHIPPED");
    assert_eq!(shipped.body["shipment"]["carrier"], "Local Carrier");
    let tracking = shipped.body["shipment"]["trackingNumber"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(execution_ends(&app, &order_id).await, "SUCCEEDED");
    let order = app.settled_order(&order_id, &ann).await;
    assert_eq!(
        history(&order),
        [
            "PENDING",
            "RESERVED",
            "PAID",
            "AWAITING_FULFILMENT",
            "SHIPPED"
        ]
    );
    assert_eq!(
        app.stock("MUG").await,
        (8, 0, 8),
        "the units left the shelf"
    );
    let (status, content_type, pdf) = app.get_bytes(&label_path, &admin).await;
    assert_eq!((status, content_type.as_str()), (200, "application/pdf"));
    assert_eq!(tests::label::read_label(&pdf).unwrap().barcode, tracking);
    let queue = app.get("/admin/fulfilment", Some(&admin)).await;
    assert_eq!(queue.body["items"], json!([]), "it left the queue");
    assert_eq!(queue.body["pickList"], json!([]));

    let emails = app.sent_emails(email).await;
    assert_eq!(subjects_ending(&emails, "has shipped"), 1, "{emails:?}");

    // A retried ship (the first answer was lost) answers the order again
    // and tells the finished workflow nothing new; another parcel is 409.
    let again = ship(&app, &order_id, Some(json!({}))).await;
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(again.body["shipment"]["trackingNumber"], tracking.as_str());
    let other = ship(
        &app,
        &order_id,
        Some(json!({"carrier": "Parcel Co", "trackingNumber": "PC1", "trackingUrl": "https://t.example/PC1"})),
    )
    .await;
    assert_eq!(other.status, 409, "{other:?}");
    assert_eq!(other.body["error"]["code"], "order_shipped");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let emails = app.sent_emails(email).await;
    assert_eq!(subjects_ending(&emails, "has shipped"), 1, "{emails:?}");
    assert_eq!(app.stock("MUG").await, (8, 0, 8));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_waiting_order_releases_its_stock_refunds_once_and_ends_the_workflow() {
    let app = spawn_manual().await;
    app.create_product("MUG", 1_400, 10).await;
    let email = "changed-mind@example.com";
    let order_id = place(&app, "ann", email, &[("MUG", 3)], "62701").await;
    reaches(&app, &order_id, "AWAITING_FULFILMENT").await;
    assert_eq!(app.stock("MUG").await, (10, 3, 7));

    let ann = app.token("ann");
    let path = format!("/orders/{order_id}/cancel");
    let r = app
        .post(&path, Some(&ann), json!({"reason": "found it cheaper"}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["status"], "CANCELLED");
    // The workflow stops waiting at once and compensates.
    assert_eq!(execution_ends(&app, &order_id).await, "FAILED");
    let order = app.settled_order(&order_id, &ann).await;
    assert_eq!(
        history(&order),
        [
            "PENDING",
            "RESERVED",
            "PAID",
            "AWAITING_FULFILMENT",
            "CANCELLED"
        ]
    );
    assert_eq!(app.stock("MUG").await, (10, 0, 10), "back on the shelf");
    assert_eq!(refunds(&app), 1);
    let admin = app.admin_order(&order_id).await;
    assert_eq!(admin["payment"]["status"], "REFUNDED");
    assert_eq!(admin["payment"]["refunded"]["amount"], 4_200);
    let emails = app.sent_emails(email).await;
    assert_eq!(subjects_ending(&emails, "was cancelled"), 1, "{emails:?}");

    // Again: the same order, still one refund and one e-mail; and it can no
    // longer be shipped.
    let again = app.post(&path, Some(&ann), json!({})).await;
    assert_eq!(again.status, 200, "{again:?}");
    let shipped = ship(&app, &order_id, None).await;
    assert_eq!(shipped.status, 409, "{shipped:?}");
    assert_eq!(shipped.body["error"]["code"], "order_closed");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(refunds(&app), 1);
    assert_eq!(app.stock("MUG").await, (10, 0, 10));
    let emails = app.sent_emails(email).await;
    assert_eq!(subjects_ending(&emails, "was cancelled"), 1, "{emails:?}");
    let queue = app.get("/admin/fulfilment", Some(&app.admin_token())).await;
    assert_eq!(queue.body["items"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_is_oldest_first_and_each_page_has_its_pick_list() {
    let app = spawn_manual().await;
    for sku in ["MUG", "TEE", "CAP"] {
        app.create_product(sku, 1_000, 20).await;
    }
    let first = place(
        &app,
        "ann",
        "ann@example.com",
        &[("TEE", 1), ("MUG", 2)],
        "62701",
    )
    .await;
    let second = place(&app, "ben", "ben@example.com", &[("MUG", 1)], "62701").await;
    let third = place(&app, "cat", "cat@example.com", &[("CAP", 3)], "62701").await;
    let mut numbers = Vec::new();
    for id in [first.as_str(), second.as_str(), third.as_str()] {
        let order = reaches(&app, id, "AWAITING_FULFILMENT").await;
        numbers.push(order["orderNumber"].as_str().unwrap().to_string());
    }
    let admin = app.admin_token();
    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["orderId"].as_str().unwrap().to_string())
            .collect()
    };

    let all = app.get("/admin/fulfilment", Some(&admin)).await;
    assert_eq!(all.status, 200, "{all:?}");
    assert_eq!(
        ids(&all.body),
        [first.as_str(), second.as_str(), third.as_str()]
    );
    assert_eq!(
        all.body["pickList"],
        json!([
            {"sku": "CAP", "name": "Product CAP", "quantity": 3, "orders": [numbers[2]]},
            {"sku": "MUG", "name": "Product MUG", "quantity": 3, "orders": [numbers[0], numbers[1]]},
            {"sku": "TEE", "name": "Product TEE", "quantity": 1, "orders": [numbers[0]]},
        ])
    );
    assert_eq!(all.body["items"][0]["status"], "AWAITING_FULFILMENT");
    assert!(
        all.body["items"][0]["customerSub"].is_string(),
        "admin views"
    );

    // Paged: each page's pick list covers that page's orders only.
    let page = app.get("/admin/fulfilment?limit=2", Some(&admin)).await;
    assert_eq!(ids(&page.body), [first.as_str(), second.as_str()]);
    assert_eq!(
        page.body["pickList"],
        json!([
            {"sku": "MUG", "name": "Product MUG", "quantity": 3, "orders": [numbers[0], numbers[1]]},
            {"sku": "TEE", "name": "Product TEE", "quantity": 1, "orders": [numbers[0]]},
        ])
    );
    let cursor = page.body["nextCursor"].as_str().expect("a next page");
    let rest = app
        .get(
            &format!("/admin/fulfilment?limit=2&cursor={cursor}"),
            Some(&admin),
        )
        .await;
    assert_eq!(ids(&rest.body), [third.as_str()]);
    assert_eq!(
        rest.body["pickList"],
        json!([{"sku": "CAP", "name": "Product CAP", "quantity": 3, "orders": [numbers[2]]}])
    );

    // Another listing's cursor, a bad limit, and a customer are refused.
    let other = app
        .get(
            "/admin/orders?status=AWAITING_FULFILMENT&limit=1",
            Some(&admin),
        )
        .await;
    assert_eq!(other.status, 200, "{other:?}");
    assert_eq!(
        ids(&other.body),
        [third.as_str()],
        "the status filter knows it"
    );
    let all_orders = app.get("/admin/orders?limit=1", Some(&admin)).await;
    let foreign = all_orders.body["nextCursor"].as_str().unwrap();
    let r = app
        .get(&format!("/admin/fulfilment?cursor={foreign}"), Some(&admin))
        .await;
    assert_eq!(
        (r.status, r.body["error"]["code"].as_str()),
        (422, Some("invalid_cursor"))
    );
    let r = app.get("/admin/fulfilment?limit=0", Some(&admin)).await;
    assert_eq!(r.status, 400, "{r:?}");
    let r = app.get("/admin/fulfilment", Some(&app.token("ann"))).await;
    assert_eq!(r.status, 403, "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shipping_with_another_carrier_keeps_its_tracking_number_and_books_nothing() {
    let app = spawn_manual().await;
    app.create_product("MUG", 1_400, 10).await;
    let email = "far-away@example.com";
    // The shop's (local) carrier does not serve postal code 00000.
    let order_id = place(&app, "ann", email, &[("MUG", 1)], "00000").await;
    reaches(&app, &order_id, "AWAITING_FULFILMENT").await;

    let refused = ship(&app, &order_id, Some(json!({}))).await;
    assert_eq!(refused.status, 409, "{refused:?}");
    assert_eq!(refused.body["error"]["code"], "shipment_refused");
    assert_eq!(
        app.admin_order(&order_id).await["status"],
        "AWAITING_FULFILMENT",
        "it stays in the queue"
    );
    let partial = ship(
        &app,
        &order_id,
        Some(json!({"trackingNumber": "1Z999AA10123456784"})),
    )
    .await;
    assert_eq!(partial.status, 422, "{partial:?}");
    assert_eq!(partial.body["error"]["code"], "incomplete_tracking");
    for bad in [
        json!({"carrier": "Parcel Co", "trackingNumber": "1Z 999", "trackingUrl": "https://t.example"}),
        json!({"carrier": "Parcel Co", "trackingNumber": "1Z999", "trackingUrl": "javascript:alert(1)"}),
        json!({"carrier": " ", "trackingNumber": "1Z999", "trackingUrl": "https://t.example"}),
    ] {
        let r = ship(&app, &order_id, Some(bad.clone())).await;
        assert_eq!(r.status, 400, "{bad}: {r:?}");
        assert_eq!(r.body["error"]["code"], "invalid_field");
    }
    let r = ship(&app, &order_id, Some(json!({"carrier": null}))).await;
    assert_eq!(r.status, 400, "null is not a value here: {r:?}");

    let url = "https://track.parcel.example/t?n=1Z999AA10123456784";
    let shipped = ship(
        &app,
        &order_id,
        Some(json!({"carrier": "Parcel Co", "trackingNumber": "1Z999AA10123456784", "trackingUrl": url})),
    )
    .await;
    assert_eq!(shipped.status, 200, "{shipped:?}");
    assert_eq!(
        shipped.body["shipment"]["trackingNumber"],
        "1Z999AA10123456784"
    );
    assert_eq!(shipped.body["shipment"]["carrier"], "Parcel Co");
    assert_eq!(shipped.body["shipment"]["trackingUrl"], url);
    assert_eq!(execution_ends(&app, &order_id).await, "SUCCEEDED");
    let order = app.settled_order(&order_id, &app.token("ann")).await;
    assert_eq!(order["status"], "SHIPPED");
    assert_eq!(order["shipment"]["trackingNumber"], "1Z999AA10123456784");
    assert_eq!(app.stock("MUG").await, (9, 0, 9));
    let (status, _, pdf) = app
        .get_bytes(
            &format!("/admin/orders/{order_id}/label"),
            &app.admin_token(),
        )
        .await;
    assert_eq!(status, 200);
    let label = tests::label::read_label(&pdf).unwrap();
    assert_eq!(label.barcode, "1Z999AA10123456784");
    assert!(
        label.text.iter().any(|t| t.contains("Parcel Co")),
        "{label:?}"
    );
    let emails = app.sent_emails(email).await;
    assert_eq!(subjects_ending(&emails, "has shipped"), 1, "{emails:?}");
    // (The HTML body escapes `/` as `&#x2f;`, which browsers read back.)
    let href = format!("href=\"{}\"", url.replace('/', "&#x2f;"));
    assert!(
        emails.iter().any(|(_, body)| body.contains(&href)),
        "the e-mail links the other carrier's tracking page: {emails:?}"
    );
    // The same parcel again is the same answer.
    let again = ship(
        &app,
        &order_id,
        Some(json!({"carrier": "Parcel Co", "trackingNumber": "1Z999AA10123456784", "trackingUrl": url})),
    )
    .await;
    assert_eq!(again.status, 200, "{again:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_an_order_in_the_queue_can_be_shipped_and_only_by_an_admin() {
    let app = spawn_manual().await;
    app.create_product("MUG", 1_400, 10).await;
    let pending = app
        .pending_order("01a20000-0000-7000-8000-0000000000f1", "ann", &[("MUG", 1)])
        .await;
    let r = ship(&app, &pending.order_id, None).await;
    assert_eq!(r.status, 409, "{r:?}");
    assert_eq!(r.body["error"]["code"], "not_awaiting_fulfilment");
    let r = app
        .post(
            &format!("/admin/orders/{}/ship", pending.order_id),
            Some(&app.token("ann")),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 403, "{r:?}");
    for missing in ["01a20000-0000-7000-8000-0000000000ff", "not-a-uuid"] {
        let r = ship(&app, missing, None).await;
        assert_eq!(r.status, 404, "{missing}: {r:?}");
    }

    // Switched to AUTOMATIC, the next order ships at once; shipping it from
    // the queue is then 409.
    let admin = app.admin_token();
    let settings = app.get("/admin/settings", Some(&admin)).await;
    let r = app
        .send(
            "PUT",
            "/admin/settings",
            Some(&admin),
            &[],
            Some(
                json!({"pricesIncludeTax": false, "fulfilmentMode": "AUTOMATIC",
                       "version": settings.body["version"]})
                .to_string(),
            ),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let order_id = place(&app, "ben", "ben@example.com", &[("MUG", 1)], "62701").await;
    let order = app.settled_order(&order_id, &app.token("ben")).await;
    assert_eq!(order["status"], "SHIPPED");
    assert_eq!(history(&order), ["PENDING", "RESERVED", "PAID", "SHIPPED"]);
    let r = ship(&app, &order_id, None).await;
    assert_eq!(r.status, 409, "{r:?}");
    assert_eq!(r.body["error"]["code"], "order_shipped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_are_for_admins_and_a_stale_version_is_409() {
    let app = spawn_manual().await;
    let admin = app.admin_token();
    let put = |token: String, body: Value| {
        let app = &app;
        async move {
            app.send(
                "PUT",
                "/admin/settings",
                Some(&token),
                &[],
                Some(body.to_string()),
            )
            .await
        }
    };
    let r = app.get("/admin/settings", Some(&admin)).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        r.body,
        json!({"pricesIncludeTax": false, "fulfilmentMode": "MANUAL", "version": 0, "updatedAt": null}),
        "the deployment's defaults until saved"
    );
    let customer = app.token("ann");
    assert_eq!(
        app.get("/admin/settings", Some(&customer)).await.status,
        403
    );
    let body = json!({"pricesIncludeTax": true, "fulfilmentMode": "AUTOMATIC", "version": 0});
    assert_eq!(put(customer.clone(), body.clone()).await.status, 403);

    let saved = put(admin.clone(), body.clone()).await;
    assert_eq!(saved.status, 200, "{saved:?}");
    assert_eq!(saved.body["version"], 1);
    assert_eq!(saved.body["fulfilmentMode"], "AUTOMATIC");
    assert_eq!(saved.body["pricesIncludeTax"], true);
    assert!(saved.body["updatedAt"].is_string());
    // Someone who read version 0 loses to that change.
    let stale = put(
        admin.clone(),
        json!({"pricesIncludeTax": false, "fulfilmentMode": "MANUAL", "version": 0}),
    )
    .await;
    assert_eq!(stale.status, 409, "{stale:?}");
    assert_eq!(stale.body["error"]["code"], "settings_changed");
    let ahead = put(
        admin.clone(),
        json!({"pricesIncludeTax": false, "fulfilmentMode": "MANUAL", "version": 7}),
    )
    .await;
    assert_eq!(ahead.status, 409, "{ahead:?}");
    let next = put(
        admin.clone(),
        json!({"pricesIncludeTax": false, "fulfilmentMode": "MANUAL", "version": 1.0}),
    )
    .await;
    assert_eq!(next.status, 200, "{next:?}");
    assert_eq!(next.body["version"], 2);
    let r = app.get("/admin/settings", Some(&admin)).await;
    assert_eq!(r.body["version"], 2);
    assert_eq!(r.body["fulfilmentMode"], "MANUAL");

    for (bad, code) in [
        (
            json!({"pricesIncludeTax": false, "fulfilmentMode": "SOMETIMES", "version": 2}),
            "invalid_body",
        ),
        (
            json!({"pricesIncludeTax": false, "fulfilmentMode": "MANUAL"}),
            "invalid_body",
        ),
        (
            json!({"pricesIncludeTax": null, "fulfilmentMode": "MANUAL", "version": 2}),
            "invalid_body",
        ),
        (
            json!({"pricesIncludeTax": false, "fulfilmentMode": "MANUAL", "version": -1}),
            "invalid_field",
        ),
    ] {
        let r = put(admin.clone(), bad.clone()).await;
        assert_eq!(r.status, 400, "{bad}: {r:?}");
        assert_eq!(r.body["error"]["code"], code, "{bad}");
    }
    assert_eq!(
        app.get("/admin/settings", Some(&admin)).await.body["version"],
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_racing_ship_has_one_winner_and_stock_and_money_stay_reconciled() {
    let app = spawn_manual().await;
    app.create_product("MUG", 1_000, 30).await;
    let mut orders = Vec::new();
    for i in 0..4 {
        let id = place(
            &app,
            &format!("c{i}"),
            &format!("c{i}@example.com"),
            &[("MUG", 2)],
            "62701",
        )
        .await;
        orders.push(id);
    }
    for id in &orders {
        reaches(&app, id, "AWAITING_FULFILMENT").await;
    }
    assert_eq!(app.stock("MUG").await, (30, 8, 22));
    let admin = app.admin_token();
    let mut shipped = 0;
    for id in &orders {
        let cancel_path = format!("/admin/orders/{id}/cancel");
        let (s, c) = tokio::join!(
            ship(&app, id, None),
            app.post(&cancel_path, Some(&admin), json!({"reason": "race"}))
        );
        let won = [s.status, c.status];
        assert!(
            won == [200, 409] || won == [409, 200],
            "one wins, the other is refused: {s:?} {c:?}"
        );
        execution_ends(&app, id).await;
        let order = app.admin_order(id).await;
        if s.status == 200 {
            shipped += 1;
            assert_eq!(order["status"], "SHIPPED");
            assert_eq!(c.body["error"]["code"], "order_shipped");
            assert_eq!(execution_ends(&app, id).await, "SUCCEEDED");
        } else {
            assert_eq!(order["status"], "CANCELLED");
            assert_eq!(s.body["error"]["code"], "order_closed");
            assert_eq!(order["payment"]["status"], "REFUNDED");
            assert_eq!(execution_ends(&app, id).await, "FAILED");
        }
    }
    let cancelled = orders.len() - shipped;
    // Shipped units left the shelf; cancelled ones came back; nothing held.
    let shipped_units = 2 * shipped as i64;
    assert_eq!(
        app.stock("MUG").await,
        (30 - shipped_units, 0, 30 - shipped_units)
    );
    assert_eq!(refunds(&app), cancelled, "one refund per cancelled order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ship_or_cancel_that_stopped_before_telling_the_workflow_completes_when_retried() {
    let app = spawn_manual().await;
    app.create_product("MUG", 1_400, 10).await;
    let store = app.store();

    // Ship: the transaction went through, the token was never sent.
    let shipped_id = place(&app, "ann", "ann@example.com", &[("MUG", 1)], "62701").await;
    reaches(&app, &shipped_id, "AWAITING_FULFILMENT").await;
    let waiting = store.get_order(&shipped_id).await.unwrap().unwrap();
    let shipment = app
        .stack
        .app
        .carrier
        .create_shipment(&waiting, &shared::domain::now_rfc3339())
        .await
        .unwrap();
    store
        .commit_stock_and_ship(&waiting, &shipment, &shared::domain::now_rfc3339())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(app.execution_status(&shipped_id).await, "RUNNING", "stuck");
    let retried = ship(&app, &shipped_id, None).await;
    assert_eq!(retried.status, 200, "{retried:?}");
    assert_eq!(execution_ends(&app, &shipped_id).await, "SUCCEEDED");
    let emails = app.sent_emails("ann@example.com").await;
    assert_eq!(subjects_ending(&emails, "has shipped"), 1, "{emails:?}");
    assert_eq!(app.stock("MUG").await, (9, 0, 9));

    // Cancel: the order was marked CANCELLED, nothing else happened.
    let cancelled_id = place(&app, "ben", "ben@example.com", &[("MUG", 2)], "62701").await;
    reaches(&app, &cancelled_id, "AWAITING_FULFILMENT").await;
    store
        .transition_order(
            &cancelled_id,
            OrderStatus::Cancelled,
            Some("cancelled by the shop: out of boxes".into()),
            &shared::domain::now_rfc3339(),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        app.execution_status(&cancelled_id).await,
        "RUNNING",
        "stuck"
    );
    assert_eq!(app.stock("MUG").await, (9, 2, 7), "still held");
    let r = app
        .post(
            &format!("/admin/orders/{cancelled_id}/cancel"),
            Some(&app.admin_token()),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(execution_ends(&app, &cancelled_id).await, "FAILED");
    assert_eq!(
        app.stock("MUG").await,
        (9, 0, 9),
        "released by the compensation"
    );
    assert_eq!(refunds(&app), 1);
    let emails = app.sent_emails("ben@example.com").await;
    let cancelled: Vec<_> = emails
        .iter()
        .filter(|(s, _)| s.ends_with("was cancelled"))
        .collect();
    assert_eq!(cancelled.len(), 1, "{emails:?}");
    assert!(
        cancelled[0].1.contains("out of boxes"),
        "the recorded reason"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fulfil_order_delivered_again_keeps_one_wait_and_answers_a_shipped_or_cancelled_order() {
    let app = spawn_manual().await;
    app.create_product("MUG", 1_400, 10).await;
    let store = app.store();
    let run = |worker: Worker, order_id: &str, token: &str| {
        let app = &app;
        let mut body = json!({"orderId": order_id, "taskToken": token});
        if token == "expired" {
            // What the FulfilmentExpired state sends after the last timeout.
            body["status"] = json!("CANCELLED");
            body["reason"] = json!("the order was not shipped within 90 days");
        }
        async move {
            let r = worker.handle(&app.stack.app, event(body)).await;
            assert!(r.batch_item_failures.is_empty(), "{worker:?} failed");
        }
    };
    // Paid orders whose workflows are not running: driven by the workers.
    let mut ids = Vec::new();
    for (i, id) in [
        "01a20000-0000-7000-8000-0000000000a1",
        "01a20000-0000-7000-8000-0000000000a2",
        "01a20000-0000-7000-8000-0000000000a3",
    ]
    .into_iter()
    .enumerate()
    {
        app.pending_order(id, &format!("sub-{i}"), &[("MUG", 1)])
            .await;
        run(Worker::ReserveStock, id, "t").await;
        run(Worker::ChargePayment, id, "t").await;
        ids.push(id);
    }

    // Delivered twice, then retried with a new token: one wait, newest token.
    for token in ["t1", "t1", "t2"] {
        run(Worker::FulfilOrder, ids[0], token).await;
    }
    let held = store
        .get_order_for_fulfilment(ids[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(held.order.status, OrderStatus::AwaitingFulfilment);
    assert_eq!(held.token.as_deref(), Some("t2"));
    let waits = held
        .order
        .status_history
        .iter()
        .filter(|c| c.status == OrderStatus::AwaitingFulfilment)
        .count();
    assert_eq!(waits, 1);
    assert_eq!(app.stock("MUG").await, (10, 3, 7), "nothing shipped");

    // Shipped meanwhile: a late delivery answers it as shipped.
    let r = ship(&app, ids[0], None).await;
    assert_eq!(r.status, 200, "{r:?}");
    run(Worker::FulfilOrder, ids[0], "t3").await;
    let after = store
        .get_order_for_fulfilment(ids[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.order.status, OrderStatus::Shipped);
    assert_eq!(
        after.token.as_deref(),
        Some("t2"),
        "kept for a retried ship"
    );
    // The last timeout's expiry finds it shipped and leaves it so.
    run(Worker::FulfilOrder, ids[0], "expired").await;
    let after = store.get_order(ids[0]).await.unwrap().unwrap();
    assert_eq!(after.status, OrderStatus::Shipped);

    // Cancelled meanwhile: a late delivery answers it as cancelled.
    run(Worker::FulfilOrder, ids[1], "u1").await;
    let r = app
        .post(
            &format!("/admin/orders/{}/cancel", ids[1]),
            Some(&app.admin_token()),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    run(Worker::FulfilOrder, ids[1], "u2").await;
    let after = store.get_order(ids[1]).await.unwrap().unwrap();
    assert_eq!(after.status, OrderStatus::Cancelled);

    // Never shipped: the expiry cancels it first (the workflow's
    // compensation then refunds and releases).
    run(Worker::FulfilOrder, ids[2], "v1").await;
    run(Worker::FulfilOrder, ids[2], "expired").await;
    let after = store.get_order(ids[2]).await.unwrap().unwrap();
    assert_eq!(after.status, OrderStatus::Cancelled);
    assert_eq!(
        after.status_history.last().unwrap().reason.as_deref(),
        Some("the order was not shipped within 90 days")
    );
    run(Worker::FulfilOrder, ids[2], "expired").await;
    assert_eq!(
        app.stock("MUG").await,
        (9, 1, 8),
        "released by the compensation, not by the expiry"
    );
}
