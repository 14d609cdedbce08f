//! The order workflow after the reservation: charge, confirm, fulfil,
//! notify, and the compensation that keeps stock and money true.

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use serde_json::json;
use shared::payments::sandbox::Operation;
use shared::workers::Worker;
use tests::{checkout_body_with, spawn_app, TestApp};

fn event(body: serde_json::Value) -> SqsEvent {
    let mut event = SqsEvent::default();
    let mut m = SqsMessage::default();
    m.message_id = Some("m-1".into());
    m.body = Some(body.to_string());
    event.records = vec![m.clone(), m];
    event
}

fn charges(app: &TestApp) -> usize {
    app.stack
        .payments
        .operations()
        .iter()
        .filter(|o| matches!(o, Operation::Charge { .. }))
        .count()
}

fn refunds(app: &TestApp) -> usize {
    app.stack
        .payments
        .operations()
        .iter()
        .filter(|o| matches!(o, Operation::Refund { .. }))
        .count()
}

async fn place(
    app: &TestApp,
    email: &str,
    token: &str,
    postal_code: &str,
    quantity: i64,
) -> (String, String) {
    let alice = app.token("alice");
    let cart = app.cart_with(Some(&alice), &[("MUG", quantity)]).await;
    let placed = app
        .checkout(
            &cart,
            &alice,
            "k",
            &checkout_body_with(email, token, postal_code),
        )
        .await;
    assert_eq!(placed.status, 202, "{:?}", placed.body);
    (placed.body["orderId"].as_str().unwrap().to_string(), alice)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visa_checkout_ships_with_one_confirmation_and_one_shipped_email() {
    let app = spawn_app().await;
    app.create_product("MUG", 1_400, 10).await;
    let email = "visa-ships@example.com";
    let (order_id, alice) = place(&app, email, "pm_card_visa", "62701", 3).await;
    let order = app.settled_order(&order_id, &alice).await;
    assert_eq!(order["status"], "SHIPPED");
    assert_eq!(app.execution_status(&order_id).await, "SUCCEEDED");
    assert_eq!(
        app.stock("MUG").await,
        (7, 0, 7),
        "stock on hand is reduced by the quantity sold"
    );

    let admin = app.admin_order(&order_id).await;
    let tracking = admin["shipment"]["trackingNumber"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(tracking.starts_with("LC"));
    assert_eq!(admin["payment"]["brand"], "visa");
    assert_eq!(admin["payment"]["last4"], "4242");
    assert_eq!(admin["payment"]["amount"]["amount"], 4_200);

    let emails = app.sent_emails(email).await;
    let subjects: Vec<&str> = emails.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(subjects.len(), 2, "{subjects:?}");
    assert_eq!(
        subjects.iter().filter(|s| s.ends_with("confirmed")).count(),
        1
    );
    assert_eq!(
        subjects
            .iter()
            .filter(|s| s.ends_with("has shipped"))
            .count(),
        1
    );
    assert!(
        emails.iter().any(|(_, body)| body.contains(&tracking)),
        "the shipped e-mail carries the tracking number"
    );
    assert_eq!(charges(&app), 1);
    assert_eq!(refunds(&app), 0);

    // The shipping label: a PDF that opens, with a barcode that scans as
    // the tracking number, the order number and both addresses.
    let admin_token = app.admin_token();
    let (status, content_type, pdf) = app
        .get_bytes(&format!("/admin/orders/{order_id}/label"), &admin_token)
        .await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/pdf");
    let label = tests::label::read_label(&pdf).expect("the label opens");
    assert_eq!(label.pages, 1);
    assert_eq!(label.barcode, tracking);
    let text = label.text.join("\n");
    let order_number = admin["orderNumber"].as_str().unwrap();
    for expected in [
        order_number,
        "1 Main St",
        "1 Warehouse Way",
        "Order Service demo shop",
    ] {
        assert!(
            text.contains(expected),
            "{expected} not on the label: {text}"
        );
    }
    let customer = admin["customer"]["name"].as_str().unwrap();
    assert!(
        text.contains(customer),
        "{customer} not on the label: {text}"
    );
    // Customers cannot print labels; unshipped orders have none.
    let (status, _, _) = app
        .get_bytes(&format!("/admin/orders/{order_id}/label"), &alice)
        .await;
    assert_eq!(status, 403);
    let unshipped = uuid::Uuid::new_v4().to_string();
    app.pending_order(&unshipped, "alice", &[("MUG", 1)]).await;
    let (status, _, body) = app
        .get_bytes(&format!("/admin/orders/{unshipped}/label"), &admin_token)
        .await;
    assert_eq!(status, 409, "{}", String::from_utf8_lossy(&body));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insufficient_funds_fail_the_payment_release_the_stock_and_charge_nothing() {
    let app = spawn_app().await;
    app.create_product("MUG", 1_400, 10).await;
    let email = "no-funds@example.com";
    let (order_id, alice) = place(
        &app,
        email,
        "pm_card_chargeDeclinedInsufficientFunds",
        "62701",
        4,
    )
    .await;
    let order = app.settled_order(&order_id, &alice).await;
    assert_eq!(order["status"], "PAYMENT_FAILED");
    let reason = order["statusHistory"].as_array().unwrap().last().unwrap()["reason"]
        .as_str()
        .unwrap();
    assert!(reason.contains("insufficient_funds"), "{reason}");
    assert_eq!(app.execution_status(&order_id).await, "FAILED");
    assert_eq!(
        app.stock("MUG").await,
        (10, 0, 10),
        "every reserved unit is released"
    );
    let emails = app.sent_emails(email).await;
    assert_eq!(emails.len(), 1, "{emails:?}");
    assert!(emails[0].0.contains("declined"));
    assert_eq!(charges(&app), 0, "no charge");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fulfilment_failure_after_the_charge_refunds_once_and_releases_the_stock() {
    let app = spawn_app().await;
    app.create_product("MUG", 1_400, 10).await;
    let email = "unserviceable@example.com";
    // The local carrier refuses postal code 00000.
    let (order_id, alice) = place(&app, email, "pm_card_mastercard", "00000", 2).await;
    let order = app.settled_order(&order_id, &alice).await;
    assert_eq!(order["status"], "CANCELLED");
    let reason = order["statusHistory"].as_array().unwrap().last().unwrap()["reason"]
        .as_str()
        .unwrap_or_else(|| panic!("{order}"));
    assert!(reason.contains("not serviceable"), "{reason}");
    let history: Vec<&str> = order["statusHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["PENDING", "RESERVED", "PAID", "CANCELLED"]);
    assert_eq!(app.stock("MUG").await, (10, 0, 10));
    assert_eq!((charges(&app), refunds(&app)), (1, 1));
    let admin = app.admin_order(&order_id).await;
    assert_eq!(admin["payment"]["status"], "REFUNDED");
    assert_eq!(admin["payment"]["refunded"]["amount"], 2_800);

    // The compensation run again (twice per batch): still one refund, same stock.
    for worker in [Worker::RefundPayment, Worker::ReleaseStock] {
        let response = worker
            .handle(
                &app.stack.app,
                event(json!({"orderId": order_id, "taskToken": "closed"})),
            )
            .await;
        assert!(response.batch_item_failures.is_empty());
    }
    let mark = json!({"orderId": order_id, "taskToken": "closed", "status": "CANCELLED", "reason": "again"});
    assert!(Worker::MarkOrderFailed
        .handle(&app.stack.app, event(mark))
        .await
        .batch_item_failures
        .is_empty());
    assert_eq!((charges(&app), refunds(&app)), (1, 1));
    assert_eq!(app.stock("MUG").await, (10, 0, 10));
    let emails = app.sent_emails(email).await;
    let subjects: Vec<&str> = emails.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        subjects
            .iter()
            .filter(|s| s.ends_with("was cancelled"))
            .count(),
        1,
        "{subjects:?}"
    );
    assert!(
        emails.iter().any(|(_, body)| body.contains("28.00 USD")),
        "the refund is in the e-mail"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_step_delivered_twice_has_one_effect() {
    let app = spawn_app().await;
    app.create_product("MUG", 1_400, 10).await;
    let email = "twice@example.com";
    let (order_id, alice) = place(&app, email, "pm_card_visa", "62701", 1).await;
    assert_eq!(
        app.settled_order(&order_id, &alice).await["status"],
        "SHIPPED"
    );
    let before = app
        .get(&format!("/orders/{order_id}"), Some(&alice))
        .await
        .body;

    let message = |extra: serde_json::Value| {
        let mut m = json!({"orderId": order_id, "taskToken": "closed"});
        for (k, v) in extra.as_object().unwrap() {
            m[k] = v.clone();
        }
        m
    };
    for (worker, body) in [
        (Worker::ReserveStock, message(json!({}))),
        (Worker::ChargePayment, message(json!({}))),
        (Worker::FulfilOrder, message(json!({}))),
        (
            Worker::NotifyCustomer,
            message(json!({"kind": "order_confirmation"})),
        ),
        (Worker::NotifyCustomer, message(json!({"kind": "shipped"}))),
    ] {
        let response = worker.handle(&app.stack.app, event(body)).await;
        assert!(response.batch_item_failures.is_empty(), "{worker:?}");
    }
    assert_eq!(
        app.get(&format!("/orders/{order_id}"), Some(&alice))
            .await
            .body,
        before
    );
    assert_eq!(app.stock("MUG").await, (9, 0, 9));
    assert_eq!((charges(&app), refunds(&app)), (1, 0));
    assert_eq!(app.sent_emails(email).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkout_with_a_card_number_or_cvc_is_refused_and_nothing_is_kept() {
    let app = spawn_app().await;
    app.create_product("MUG", 1_400, 10).await;
    let alice = app.token("alice");
    let cart = app.cart_with(Some(&alice), &[("MUG", 1)]).await;
    for (i, payment) in [
        json!({"methodToken": "pm_card_visa", "number": "4242424242424242"}),
        json!({"methodToken": "pm_card_visa", "cvc": "314"}),
        json!({"methodToken": "4242 4242 4242 4242"}),
    ]
    .into_iter()
    .enumerate()
    {
        let mut body = checkout_body_with("card@example.com", "pm_card_visa", "62701");
        body["payment"] = payment;
        let r = app.checkout(&cart, &alice, &format!("k{i}"), &body).await;
        assert_eq!(r.status, 422, "{r:?}");
        assert_eq!(r.body["error"]["code"], "card_data_not_accepted");
        assert!(
            !r.body.to_string().contains("4242"),
            "the answer echoes no card data"
        );
    }
    let orders = app
        .store()
        .list_orders(&Default::default(), 10, None)
        .await
        .unwrap();
    assert!(orders.items.is_empty());
    assert_eq!(
        app.get(&format!("/carts/{cart}"), Some(&alice)).await.body["status"],
        "OPEN"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_no_worker_can_process_ends_in_the_dead_letter_queue_and_the_rest_are_processed_once(
) {
    let app = spawn_app().await;
    app.create_product("MUG", 1_400, 10).await;
    let first = app
        .pending_order(
            "01a20000-0000-7000-8000-0000000000d1",
            "alice",
            &[("MUG", 2)],
        )
        .await;
    let second = app
        .pending_order(
            "01a20000-0000-7000-8000-0000000000d2",
            "alice",
            &[("MUG", 3)],
        )
        .await;
    let sqs = aws_sdk_sqs::Client::new(&app.sdk);
    let (queue, _) = app.stack.stack.queues["ReserveStockQueue"].clone();
    let (dlq, _) = app.stack.stack.queues["ReserveStockDeadLetterQueue"].clone();
    // Only the test shortens the visibility timeout (60 s in template.yaml),
    // so five failed receives take seconds, not minutes.
    sqs.set_queue_attributes()
        .queue_url(&queue)
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
            "1",
        )
        .send()
        .await
        .unwrap();
    for body in [
        json!({"orderId": first.order_id, "taskToken": "closed"}).to_string(),
        "this is not a workflow step".to_string(),
        json!({"orderId": second.order_id, "taskToken": "closed"}).to_string(),
    ] {
        sqs.send_message()
            .queue_url(&queue)
            .message_body(body)
            .send()
            .await
            .unwrap();
    }
    // Five failed receives take about ten seconds on a quiet machine; the
    // wait allows for a busy one (the emulator shares two cores with the
    // rest of the suite).
    let mut dead = Vec::new();
    for _ in 0..180 {
        let out = sqs
            .receive_message()
            .queue_url(&dlq)
            .max_number_of_messages(10)
            .send()
            .await
            .unwrap();
        dead.extend(
            out.messages
                .unwrap_or_default()
                .into_iter()
                .filter_map(|m| m.body),
        );
        if !dead.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert_eq!(dead, ["this is not a workflow step"]);
    assert_eq!(
        app.stock("MUG").await,
        (10, 5, 5),
        "each good message reserved once"
    );
    for id in [&first.order_id, &second.order_id] {
        let order = app.store().get_order(id).await.unwrap().unwrap();
        assert_eq!(order.status, shared::domain::order::OrderStatus::Reserved);
        assert_eq!(order.status_history.len(), 2);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_paid_order_refunds_and_releases_and_after_shipment_gets_409() {
    let app = spawn_app().await;
    app.create_product("MUG", 1_400, 10).await;
    // A paid order whose workflow is not running: driven by the workers.
    let order = app
        .pending_order(
            "01a20000-0000-7000-8000-0000000000c1",
            "alice",
            &[("MUG", 2)],
        )
        .await;
    for worker in [Worker::ReserveStock, Worker::ChargePayment] {
        let r = worker
            .handle(
                &app.stack.app,
                event(json!({"orderId": order.order_id, "taskToken": "t"})),
            )
            .await;
        assert!(r.batch_item_failures.is_empty());
    }
    assert_eq!(app.stock("MUG").await, (10, 2, 8));
    assert_eq!(charges(&app), 1);

    let (alice, bob) = (app.token("alice"), app.token("bob"));
    let path = format!("/orders/{}/cancel", order.order_id);
    assert_eq!(
        app.post(&path, Some(&bob), json!({})).await.status,
        404,
        "not bob's order"
    );
    let r = app
        .post(
            &path,
            Some(&alice),
            json!({"reason": "ordered the wrong size"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["status"], "CANCELLED");
    let last = r.body["statusHistory"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        last["reason"],
        "cancelled by the customer: ordered the wrong size"
    );
    assert_eq!(app.stock("MUG").await, (10, 0, 10));
    assert_eq!(refunds(&app), 1);
    let again = app.post(&path, Some(&alice), json!({})).await;
    assert_eq!(
        again.status, 200,
        "cancelling twice answers the cancelled order"
    );
    assert_eq!(refunds(&app), 1, "and refunds once");
    let cancelled_emails = app.sent_emails("ada@example.com").await;
    assert_eq!(
        cancelled_emails
            .iter()
            .filter(|(s, _)| s.ends_with("was cancelled"))
            .count(),
        1
    );

    // A shipped order can no longer be cancelled.
    let (shipped, alice) = place(&app, "shipped@example.com", "pm_card_visa", "62701", 1).await;
    assert_eq!(
        app.settled_order(&shipped, &alice).await["status"],
        "SHIPPED"
    );
    let r = app
        .post(
            &format!("/orders/{shipped}/cancel"),
            Some(&alice),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(r.body["error"]["code"], "order_shipped");
    let r = app
        .post(
            &format!("/admin/orders/{shipped}/cancel"),
            Some(&app.admin_token()),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(
        app.post(
            &format!("/admin/orders/{shipped}/cancel"),
            Some(&alice),
            json!({})
        )
        .await
        .status,
        403
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_right_after_checkout_leaves_money_and_stock_reconciled() {
    let app = spawn_app().await;
    app.create_product("MUG", 1_400, 10).await;
    let email = "changed-mind@example.com";
    let (order_id, alice) = place(&app, email, "pm_card_visa", "62701", 3).await;
    let r = app
        .post(
            &format!("/admin/orders/{order_id}/cancel"),
            Some(&app.admin_token()),
            json!({}),
        )
        .await;
    // Depending on how far the workflow got, the order is cancelled or already shipped.
    let order = app.settled_order(&order_id, &alice).await;
    if r.status == 200 {
        assert_eq!(order["status"], "CANCELLED");
        assert_eq!(app.stock("MUG").await, (10, 0, 10));
        assert_eq!(charges(&app), refunds(&app), "every capture was refunded");
        let emails = app.sent_emails(email).await;
        assert_eq!(
            emails
                .iter()
                .filter(|(s, _)| s.ends_with("was cancelled"))
                .count(),
            1,
            "{emails:?}"
        );
    } else {
        assert_eq!(r.status, 409);
        assert_eq!(order["status"], "SHIPPED");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_carrier_events_build_the_timeline_and_delivery_is_recorded_once() {
    let sign = |secret: &str, timestamp: i64, body: &[u8]| {
        shared::webhooks::signature::sign(secret, timestamp, body).unwrap()
    };
    let app = spawn_app().await;
    app.create_product("MUG", 1_400, 10).await;
    let email = "tracked@example.com";
    let (order_id, alice) = place(&app, email, "pm_card_visa", "62701", 1).await;
    assert_eq!(
        app.settled_order(&order_id, &alice).await["status"],
        "SHIPPED"
    );
    let admin = app.admin_order(&order_id).await;
    let tracking = admin["shipment"]["trackingNumber"]
        .as_str()
        .unwrap()
        .to_string();
    let secret = local::LOCAL_CARRIER_WEBHOOK_SECRET;
    let now = tests::chrono_now();
    let post = |body: String, signature: String| {
        let app = &app;
        async move {
            app.send(
                "POST",
                "/webhooks/carrier",
                None,
                &[("carrier-signature", signature.as_str())],
                Some(body),
            )
            .await
        }
    };
    let event = |id: &str, kind: &str| {
        json!({"eventId": id, "trackingNumber": tracking, "type": kind,
               "occurredAt": "2030-01-01T10:00:00Z", "location": "Springfield, IL"})
        .to_string()
    };

    let in_transit = event("evt-1", "in_transit");
    let r = post(in_transit.clone(), sign(secret, now, in_transit.as_bytes())).await;
    assert_eq!(r.status, 200, "{r:?}");
    let tampered = in_transit.replace("in_transit", "delivered");
    for (body, signature) in [
        (tampered.clone(), sign(secret, now, in_transit.as_bytes())),
        (
            tampered.clone(),
            sign("another-secret-entirely", now, tampered.as_bytes()),
        ),
        (
            tampered.clone(),
            sign(secret, now - 301, tampered.as_bytes()),
        ),
        (tampered.clone(), String::new()),
    ] {
        let r = post(body, signature).await;
        assert_eq!(r.status, 400, "{r:?}");
        assert_eq!(r.body["error"]["code"], "invalid_signature");
    }
    assert_eq!(
        app.get(&format!("/orders/{order_id}"), Some(&alice))
            .await
            .body["status"],
        "SHIPPED"
    );

    let delivered = event("evt-2", "delivered");
    for _ in 0..2 {
        let r = post(delivered.clone(), sign(secret, now, delivered.as_bytes())).await;
        assert_eq!(r.status, 200, "{r:?}");
    }
    let timeline = app
        .get(&format!("/orders/{order_id}/tracking"), Some(&alice))
        .await;
    assert_eq!(timeline.status, 200);
    assert_eq!(timeline.body["status"], "DELIVERED");
    let entries = timeline.body["timeline"].as_array().unwrap();
    let carrier: Vec<&str> = entries
        .iter()
        .filter(|e| e["source"] == "carrier")
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(carrier, ["in_transit", "delivered"], "each event id once");
    let statuses: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["status"].as_str())
        .collect();
    assert_eq!(
        statuses,
        ["PENDING", "RESERVED", "PAID", "SHIPPED", "DELIVERED"]
    );
    let emails = app.sent_emails(email).await;
    assert_eq!(
        emails
            .iter()
            .filter(|(s, _)| s.ends_with("was delivered"))
            .count(),
        1
    );
    assert_eq!(
        app.get(
            &format!("/orders/{order_id}/tracking"),
            Some(&app.token("bob"))
        )
        .await
        .status,
        404
    );
}
