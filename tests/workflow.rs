//! The ReserveStock worker under repeated delivery and bad messages.

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use serde_json::json;
use shared::workers::Worker;
use tests::{checkout_body, spawn_app};

fn event(bodies: &[String]) -> SqsEvent {
    let mut event = SqsEvent::default();
    event.records = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| {
            let mut m = SqsMessage::default();
            m.message_id = Some(format!("m-{i}"));
            m.body = Some(body.clone());
            m
        })
        .collect();
    event
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_reserve_stock_delivery_changes_stock_once() {
    let app = spawn_app().await;
    app.create_product("TEE", 2_500, 5).await;
    let alice = app.token("alice");
    let cart = app.cart_with(Some(&alice), &[("TEE", 2)]).await;
    let placed = app
        .checkout(&cart, &alice, "k", &checkout_body("Ada"))
        .await;
    let order_id = placed.body["orderId"].as_str().unwrap();
    assert_eq!(
        app.settled_order(order_id, &alice).await["status"],
        "SHIPPED"
    );
    assert_eq!(app.stock("TEE").await, (3, 0, 3));

    // The same step delivered again, twice in one batch, with tokens the
    // workflow has already closed: stock is untouched, nothing fails.
    let body = json!({"orderId": order_id, "taskToken": "closed-token"}).to_string();
    let response = Worker::ReserveStock
        .handle(&app.stack.app, event(&[body.clone(), body]))
        .await;
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(app.stock("TEE").await, (3, 0, 3));
    let order = app
        .get(&format!("/orders/{order_id}"), Some(&alice))
        .await
        .body;
    assert_eq!(order["statusHistory"].as_array().unwrap().len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_the_worker_cannot_process_is_reported_and_the_rest_of_the_batch_is_processed() {
    let app = spawn_app().await;
    app.create_product("TEE", 2_500, 5).await;
    let alice = app.token("alice");
    let cart = app.cart_with(Some(&alice), &[("TEE", 1)]).await;
    let placed = app
        .checkout(&cart, &alice, "k", &checkout_body("Ada"))
        .await;
    let order_id = placed.body["orderId"].as_str().unwrap();
    app.settled_order(order_id, &alice).await;

    let good = json!({"orderId": order_id, "taskToken": "t"}).to_string();
    let unknown =
        json!({"orderId": "01000000-0000-7000-8000-000000000000", "taskToken": "t"}).to_string();
    let response = Worker::ReserveStock
        .handle(
            &app.stack.app,
            event(&["not json".to_string(), good, unknown]),
        )
        .await;
    let failed: Vec<&str> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(failed, ["m-0", "m-2"]);
    assert_eq!(app.stock("TEE").await, (4, 0, 4));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_line_rejects_the_whole_order_and_holds_nothing() {
    let app = spawn_app().await;
    app.create_product("TEE", 2_500, 5).await;
    app.create_product("CAP", 1_000, 1).await;
    let alice = app.token("alice");
    let first = app.cart_with(Some(&alice), &[("CAP", 1)]).await;
    let second = app.cart_with(Some(&alice), &[("TEE", 2), ("CAP", 1)]).await;
    let a = app
        .checkout(&first, &alice, "a", &checkout_body("Ada"))
        .await;
    assert_eq!(
        app.settled_order(a.body["orderId"].as_str().unwrap(), &alice)
            .await["status"],
        "SHIPPED"
    );
    let b = app
        .checkout(&second, &alice, "b", &checkout_body("Ada"))
        .await;
    let order = app
        .settled_order(b.body["orderId"].as_str().unwrap(), &alice)
        .await;
    assert_eq!(order["status"], "REJECTED");
    assert_eq!(order["statusHistory"][1]["reason"], "out of stock: CAP");
    assert_eq!(
        app.stock("TEE").await,
        (5, 0, 5),
        "no line of a rejected order is held"
    );
    assert_eq!(app.stock("CAP").await, (0, 0, 0));
}
