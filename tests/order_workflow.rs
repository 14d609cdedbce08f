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

    let admin = app
        .get(
            &format!("/admin/orders/{order_id}"),
            Some(&app.admin_token()),
        )
        .await
        .body;
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
    let admin = app
        .get(
            &format!("/admin/orders/{order_id}"),
            Some(&app.admin_token()),
        )
        .await
        .body;
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
