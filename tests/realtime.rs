//! Order changes pushed over the WebSocket API, end to end on the local
//! stack: tickets, the authorizer, `$connect`/`$disconnect`, the notifier
//! fed by the Orders table's stream, and the `@connections` API.

use std::time::Duration;

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use futures::SinkExt;
use serde_json::{json, Value};
use sha2::Digest;
use shared::store::realtime::{customer_audience, Scope, ADMIN_AUDIENCE};
use tests::realtime::{messages_until, next_message};
use tests::{checkout_body, spawn_app, status_history as history};
use tokio_tungstenite::tungstenite::Message;

const WAIT: Duration = Duration::from_secs(60);

/// The statuses the messages announced, each time it changed.
fn announced(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .filter(|m| {
            let changes = m["changes"].as_array().unwrap();
            changes.contains(&json!("placed")) || changes.contains(&json!("status"))
        })
        .map(|m| m["status"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_customer_is_told_every_status_change_of_their_own_order_in_order_and_nothing_of_others()
{
    let app = spawn_app().await;
    app.create_product("LIVE-1", 1_500, 10).await;
    let alice = app.token("alice-live");
    let bob = app.token("bob-live");
    let mut alice_socket = app.watch(&alice, "customer").await;
    let mut bob_socket = app.watch(&bob, "customer").await;
    let mut admin_socket = app.watch(&app.admin_token(), "admin").await;

    let cart = app.cart_with(Some(&alice), &[("LIVE-1", 2)]).await;
    let r = app
        .checkout(&cart, &alice, "live-1", &checkout_body("Alice"))
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    let order_id = r.body["orderId"].as_str().unwrap().to_string();

    let until_shipped = messages_until(&mut alice_socket, &order_id, "SHIPPED", WAIT).await;
    app.deliver(&order_id).await;
    let until_delivered = messages_until(&mut alice_socket, &order_id, "DELIVERED", WAIT).await;
    let messages: Vec<Value> = until_shipped.into_iter().chain(until_delivered).collect();

    // Every status the order went through, once each, in order.
    let order = app
        .get(&format!("/orders/{order_id}"), Some(&alice))
        .await
        .body;
    assert_eq!(announced(&messages), history(&order), "{messages:#?}");
    assert_eq!(messages[0]["changes"], json!(["placed"]));
    assert_eq!(messages[0]["orderNumber"], order["orderNumber"]);
    // The shipment and the carrier's delivery are in the messages too.
    let shipped = messages.iter().find(|m| m["status"] == "SHIPPED").unwrap();
    assert!(
        shipped["changes"]
            .as_array()
            .unwrap()
            .contains(&json!("shipment")),
        "{shipped}"
    );
    assert_eq!(
        shipped["shipment"]["trackingNumber"],
        order["shipment"]["trackingNumber"]
    );
    let delivered = messages.last().unwrap();
    assert_eq!(delivered["latestTracking"]["type"], "delivered");
    assert_eq!(delivered["previousStatus"], "SHIPPED");

    // Administrators see the same changes of every order.
    let admin_messages = messages_until(&mut admin_socket, &order_id, "DELIVERED", WAIT).await;
    assert_eq!(announced(&admin_messages), history(&order));

    // Bob hears nothing about Alice's order (given time to be wrong).
    assert_eq!(
        next_message(&mut bob_socket, Duration::from_secs(2)).await,
        None
    );

    // A message from the browser finds no route, as in API Gateway.
    alice_socket.send(Message::text("hello")).await.unwrap();
    let answer = next_message(&mut alice_socket, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(answer["message"], "Forbidden");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_that_is_missing_forged_reused_or_expired_is_refused_at_connect() {
    let app = spawn_app().await;
    let alice = app.token("alice-tickets");

    // Asking for one: signed in, and the admin scope for administrators only.
    let r = app
        .post("/realtime/tickets", None, json!({ "scope": "customer" }))
        .await;
    assert_eq!(r.status, 401, "{:?}", r.body);
    let r = app
        .post(
            "/realtime/tickets",
            Some(&alice),
            json!({ "scope": "admin" }),
        )
        .await;
    assert_eq!(r.status, 403, "{:?}", r.body);
    let r = app
        .post(
            "/realtime/tickets",
            Some(&alice),
            json!({ "scope": "everyone" }),
        )
        .await;
    assert_eq!(r.status, 400, "{:?}", r.body);
    let r = app
        .post("/realtime/tickets", Some(&alice), json!({ "scope": null }))
        .await;
    assert_eq!(r.status, 400, "{:?}", r.body);
    let r = app
        .send("POST", "/realtime/tickets", Some(&alice), &[], None)
        .await;
    assert_eq!(r.status, 201, "no body is a customer ticket: {:?}", r.body);
    assert_eq!(r.body["scope"], "customer");
    assert_eq!(r.body["url"], json!(app.stack.realtime_url));

    // No ticket, or one nobody issued.
    assert_eq!(app.connect_with("").await.err(), Some(401));
    let forged = "A".repeat(43);
    assert_eq!(app.connect_with(&forged).await.err(), Some(401));

    // A ticket opens one connection only.
    let ticket = app.ticket(&alice, "customer").await;
    let ticket = ticket["ticket"].as_str().unwrap();
    assert!(app.connect_with(ticket).await.is_ok());
    assert_eq!(app.connect_with(ticket).await.err(), Some(401));

    // Of two connections racing with one ticket, one gets in.
    let ticket = app.ticket(&alice, "customer").await;
    let ticket = ticket["ticket"].as_str().unwrap();
    let (a, b) = tokio::join!(app.connect_with(ticket), app.connect_with(ticket));
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{:?} {:?}",
        a.err(),
        b.err()
    );

    // A ticket past its minute (TTL deletes lazily; the authorizer checks).
    let expired = "E".repeat(43);
    let hash = hex_sha256(&expired);
    app.store()
        .put_ticket(
            &hash,
            "alice-tickets",
            Scope::Customer,
            tests::chrono_now() - 1,
        )
        .await
        .unwrap();
    assert_eq!(app.connect_with(&expired).await.err(), Some(401));
}

fn hex_sha256(s: &str) -> String {
    sha2::Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_connection_that_is_gone_is_deleted_on_the_next_push_and_the_others_still_hear() {
    let app = spawn_app().await;
    app.create_product("LIVE-2", 900, 10).await;
    let sub = "carol-gone";
    let carol = app.token(sub);
    let store = app.store();
    let now = tests::chrono_now();

    // A connection whose $disconnect never came (API Gateway delivers it
    // at most once): the record says open, the socket is gone.
    store
        .put_connection(
            "stale-connection=",
            sub,
            Scope::Customer,
            "2026-01-01T00:00:00Z",
            now + 3600,
        )
        .await
        .unwrap();
    let mut socket = app.watch(&carol, "customer").await;
    let audience = customer_audience(sub);
    assert_eq!(store.connections_of(&audience, now).await.unwrap().len(), 2);

    let cart = app.cart_with(Some(&carol), &[("LIVE-2", 1)]).await;
    let r = app
        .checkout(&cart, &carol, "gone-1", &checkout_body("Carol"))
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    let order_id = r.body["orderId"].as_str().unwrap().to_string();
    // The open socket still hears every change.
    messages_until(&mut socket, &order_id, "SHIPPED", WAIT).await;
    let left = store.connections_of(&audience, now).await.unwrap();
    assert_eq!(left.len(), 1, "the gone connection is forgotten: {left:?}");
    assert_ne!(left[0], "stale-connection=");

    // Closing a socket runs $disconnect, which forgets it.
    socket.close(None).await.unwrap();
    for _ in 0..100 {
        if store
            .connections_of(&audience, now)
            .await
            .unwrap()
            .is_empty()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the closed connection is still recorded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_stream_record_is_pushed_again_with_the_same_event_id() {
    let app = spawn_app().await;
    let sub = "dave-repeat";
    let mut socket = app.watch(&app.token(sub), "customer").await;
    // Nothing of the admin audience is connected: only the customer's socket.
    assert!(app
        .store()
        .connections_of(ADMIN_AUDIENCE, tests::chrono_now())
        .await
        .unwrap()
        .is_empty());

    // One stream record of an order being paid, handed over twice as
    // Lambda may after a retry.
    let now = shared::domain::now_rfc3339();
    let mut old = tests::sample_order("0193f7a2-8c4d-7e21-b5a0-000000000001", sub, vec![], &now);
    old.status = shared::domain::order::OrderStatus::Reserved;
    let mut new = old.clone();
    new.status = shared::domain::order::OrderStatus::Paid;
    let mut record = EventRecord::default();
    record.event_id = "record-1".into();
    record.event_name = "MODIFY".into();
    record.change.old_image = serde_dynamo::to_item(&old).unwrap();
    record.change.new_image = serde_dynamo::to_item(&new).unwrap();
    record.change.sequence_number = Some("100".into());
    let management = app
        .stack
        .realtime_url
        .as_deref()
        .unwrap()
        .replacen("ws://", "http://", 1);
    let connections = shared::realtime::Connections::new(&app.sdk, &management);
    for _ in 0..2 {
        let mut event = Event::default();
        event.records = vec![record.clone()];
        let response = shared::realtime::notify(&app.stack.app, &connections, event).await;
        assert!(response.batch_item_failures.is_empty());
    }
    let first = next_message(&mut socket, WAIT).await.unwrap();
    let second = next_message(&mut socket, WAIT).await.unwrap();
    // Twice, identical: clients drop the repeat by eventId (and keep the
    // newest updatedAt), so the page is right either way.
    assert_eq!(first, second);
    assert_eq!(first["eventId"], "record-1");
    assert_eq!(first["status"], "PAID");
    assert_eq!(first["previousStatus"], "RESERVED");
    assert_eq!(first["changes"], json!(["status"]));

    // A change that is neither status, shipment nor tracking is not pushed.
    let mut quiet = record.clone();
    quiet.event_id = "record-2".into();
    let mut noted = new.clone();
    noted.updated_at = "2030-01-01T00:00:00Z".into();
    quiet.change.old_image = serde_dynamo::to_item(&new).unwrap();
    quiet.change.new_image = serde_dynamo::to_item(&noted).unwrap();
    let mut event = Event::default();
    event.records = vec![quiet];
    shared::realtime::notify(&app.stack.app, &connections, event).await;
    assert_eq!(
        next_message(&mut socket, Duration::from_secs(1)).await,
        None
    );
}
