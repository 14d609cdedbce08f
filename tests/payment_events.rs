//! The admin payments list: captures, declines and refunds of real orders
//! (the sandbox gateway's test tokens, an admin refund, a compensation
//! refund), recorded by the stream consumer the local runner feeds; paging,
//! kind and date filters, and a stream record delivered twice.

use std::time::Duration;

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use serde_json::{json, Value};
use shared::domain::order::Order;
use tests::{checkout_body_with, spawn_app, TestApp};

const PRICE: i64 = 2_500;

/// Places an order of one unit paying with `method`, shipping to
/// `postal_code`, and waits for its workflow to end in `status`.
async fn order(app: &TestApp, who: &str, method: &str, postal_code: &str, status: &str) -> Value {
    let token = app.token(who);
    let cart = app.cart_with(Some(&token), &[("PAY-TEE", 1)]).await;
    let r = app
        .checkout(
            &cart,
            &token,
            &format!("k-{cart}"),
            &checkout_body_with(&format!("{who}@example.com"), method, postal_code),
        )
        .await;
    assert_eq!(r.status, 202, "{r:?}");
    let order_id = r.body["orderId"].as_str().unwrap().to_string();
    let order = app.settled_order(&order_id, &token).await;
    assert_eq!(order["status"], status, "{order}");
    app.admin_order(&order_id).await
}

async fn payments(app: &TestApp, query: &str) -> Value {
    let r = app
        .get(
            &format!("/admin/payments?{query}"),
            Some(&app.admin_token()),
        )
        .await;
    assert_eq!(r.status, 200, "{query}: {r:?}");
    r.body
}

/// Every page of a listing, following `nextCursor`.
async fn all_pages(app: &TestApp, query: &str, limit: usize) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut pages = 0;
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("{query}&limit={limit}&cursor={c}"),
            None => format!("{query}&limit={limit}"),
        };
        let page = payments(app, &path).await;
        pages += 1;
        let got = page["items"].as_array().unwrap();
        assert!(got.len() <= limit);
        items.extend(got.iter().cloned());
        match page["nextCursor"].as_str() {
            Some(c) => {
                assert_eq!(got.len(), limit, "only full pages have a next one");
                cursor = Some(c.to_string());
            }
            None => return (items, pages),
        }
    }
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|e| e["eventId"].as_str().unwrap().to_string())
        .collect()
}

fn stream_record(sequence: &str, old: &Order, new: &Order) -> EventRecord {
    let mut record: EventRecord = serde_json::from_value(json!({
        "eventID": format!("replay-{sequence}"),
        "eventName": "MODIFY",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": { "SequenceNumber": sequence, "SizeBytes": 1, "StreamViewType": "NEW_AND_OLD_IMAGES" },
    }))
    .unwrap();
    record.change.new_image = serde_dynamo::to_item(new).unwrap();
    record.change.old_image = serde_dynamo::to_item(old).unwrap();
    record
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn captures_declines_and_refunds_of_every_path_are_listed_once_newest_first() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    app.create_product("PAY-TEE", PRICE, 50).await;

    let paid = order(&app, "alice", "pm_card_visa", "62701", "SHIPPED").await;
    let declined = order(
        &app,
        "bob",
        "pm_card_chargeDeclined",
        "62701",
        "PAYMENT_FAILED",
    )
    .await;
    let refunded = order(&app, "carol", "pm_card_visa", "62701", "SHIPPED").await;
    // The carrier refuses postal code 00000 after the charge: compensation refunds it.
    let compensated = order(&app, "dave", "pm_card_visa", "00000", "CANCELLED").await;
    let refunded_id = refunded["orderId"].as_str().unwrap();
    app.deliver(refunded_id).await;
    let r = app
        .send(
            "POST",
            &format!("/admin/orders/{refunded_id}/refunds"),
            Some(&admin),
            &[("idempotency-key", "goodwill-1")],
            Some(json!({"amount": {"amount": 1_000, "currency": "USD"}, "reason": "goodwill: late parcel"}).to_string()),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let refunded = app.admin_order(refunded_id).await;
    let compensated_id = compensated["orderId"].as_str().unwrap();
    let compensated = app.admin_order(compensated_id).await;

    // The stream consumer catches up.
    let mut listed = Value::Null;
    for _ in 0..300 {
        listed = payments(&app, "limit=100").await;
        if listed["items"].as_array().unwrap().len() >= 6 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let events = listed["items"].as_array().unwrap().clone();
    assert_eq!(events.len(), 6, "{listed}");
    assert_eq!(listed["nextCursor"], Value::Null);
    let of = |order: &Value, kind: &str| -> Value {
        let id = order["orderId"].as_str().unwrap();
        let found: Vec<&Value> = events
            .iter()
            .filter(|e| e["orderId"] == id && e["kind"] == kind)
            .collect();
        assert_eq!(found.len(), 1, "one {kind} of {id}: {events:?}");
        found[0].clone()
    };

    let capture = of(&paid, "capture");
    assert_eq!(capture["orderNumber"], paid["orderNumber"]);
    assert_eq!(
        capture["amount"],
        json!({"amount": PRICE, "currency": "USD"})
    );
    assert_eq!(
        (&capture["methodType"], &capture["brand"], &capture["last4"]),
        (&json!("card"), &json!("visa"), &json!("4242"))
    );
    assert_eq!(capture["reference"], paid["payment"]["paymentId"]);
    assert!(capture["reference"].is_string());
    assert_eq!(
        (&capture["declineCode"], &capture["reason"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(capture["at"], paid["payment"]["updatedAt"]);
    assert_eq!(
        capture["eventId"],
        format!("{}:capture", paid["orderId"].as_str().unwrap())
    );

    let decline = of(&declined, "decline");
    assert_eq!(decline["declineCode"], "generic_decline");
    assert_eq!(decline["amount"]["amount"], PRICE);
    assert_eq!(decline["reference"], declined["payment"]["paymentId"]);
    assert_eq!(decline["reason"], Value::Null);

    of(&refunded, "capture");
    let refund = of(&refunded, "refund");
    assert_eq!(
        refund["amount"],
        json!({"amount": 1_000, "currency": "USD"})
    );
    assert_eq!(refund["reason"], "goodwill: late parcel");
    assert_eq!(refund["reference"], refunded["refunds"][0]["refundId"]);
    assert!(refund["reference"].is_string());
    assert_eq!(refund["last4"], "4242");

    of(&compensated, "capture");
    let compensation = of(&compensated, "refund");
    assert_eq!(compensation["amount"]["amount"], PRICE);
    assert_eq!(
        compensation["reference"],
        compensated["payment"]["refundId"]
    );

    // Newest first.
    let mut sorted = events.clone();
    sorted.sort_by(|a, b| {
        (b["at"].as_str(), b["eventId"].as_str()).cmp(&(a["at"].as_str(), a["eventId"].as_str()))
    });
    assert_eq!(ids(&events), ids(&sorted));

    // Pages of 1, 4 and 6 list the same events, and a full last page has no cursor.
    for limit in [1, 4, 6] {
        let (paged, pages) = all_pages(&app, "x=1", limit).await;
        assert_eq!(ids(&paged), ids(&events), "limit {limit}");
        assert_eq!(pages, 6_usize.div_ceil(limit), "limit {limit}");
    }

    // By kind, and by day.
    let kind = |k: &str| -> Vec<String> {
        ids(&events
            .iter()
            .filter(|e| e["kind"] == k)
            .cloned()
            .collect::<Vec<_>>())
    };
    for k in ["capture", "decline", "refund"] {
        let (listed, _) = all_pages(&app, &format!("kind={k}"), 2).await;
        assert_eq!(ids(&listed), kind(k), "{k}");
    }
    let today = chrono::Utc::now().date_naive();
    let yesterday = today.pred_opt().unwrap();
    let listed = payments(&app, &format!("from={today}&to={today}")).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 6);
    let listed = payments(
        &app,
        &format!("from={}&to={yesterday}", today - chrono::Duration::days(40)),
    )
    .await;
    assert_eq!(listed, json!({"items": [], "nextCursor": null}));

    // An event of an earlier month (a stream record handed to the consumer
    // as Lambda would) is listed after this month's, across pages.
    let earlier = today - chrono::Duration::days(45);
    let at = format!("{earlier}T09:30:00.000Z");
    let mut before: Order = app
        .store()
        .get_order(paid["orderId"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    before.order_id = uuid::Uuid::now_v7().to_string();
    before.order_number = "ORD-900001".into();
    before.created_at = at.clone();
    let mut after = before.clone();
    before.payment_record = None;
    if let Some(p) = after.payment_record.as_mut() {
        p.updated_at = at.clone();
    }
    let handle = |records: Vec<EventRecord>| {
        let mut event = Event::default();
        event.records = records;
        shared::analytics::handle(&app.stack.app, event)
    };
    // Delivered twice in one batch, then again in another: recorded once.
    let response = handle(vec![
        stream_record("1", &before, &after),
        stream_record("2", &before, &after),
    ])
    .await;
    assert!(response.batch_item_failures.is_empty());
    let response = handle(vec![stream_record("3", &before, &after)]).await;
    assert!(response.batch_item_failures.is_empty());
    let range = format!("from={earlier}&to={today}");
    let (listed, pages) = all_pages(&app, &range, 3).await;
    assert_eq!(pages, 3);
    let mut want = ids(&events);
    want.push(format!("{}:capture", after.order_id));
    assert_eq!(ids(&listed), want);
    assert_eq!(listed[6]["at"], at.as_str());
    assert_eq!(listed[6]["orderNumber"], "ORD-900001");
    let only_then = payments(&app, &format!("from={earlier}&to={earlier}&kind=capture")).await;
    assert_eq!(ids(only_then["items"].as_array().unwrap()), want[6..]);

    // The real orders' changes delivered again add nothing either.
    let paid_order: Order = app
        .store()
        .get_order(paid["orderId"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut unpaid = paid_order.clone();
    unpaid.payment_record = None;
    let response = handle(vec![stream_record("4", &unpaid, &paid_order)]).await;
    assert!(response.batch_item_failures.is_empty());
    let (again, _) = all_pages(&app, &range, 100).await;
    assert_eq!(ids(&again), want);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_payments_list_refuses_bad_filters_pages_and_callers() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let today = chrono::Utc::now().date_naive();
    let long_ago = today - chrono::Duration::days(366);
    // 400 for what breaks the schema, 422 for what it cannot state.
    for (query, status, code) in [
        ("kind=charge".to_string(), 400, "invalid_filter"),
        ("kind=Refund".to_string(), 400, "invalid_filter"),
        ("from=2026-13-01".to_string(), 400, "invalid_date"),
        ("to=30/11/2026".to_string(), 400, "invalid_date"),
        (
            "from=2026-02-10&to=2026-02-01".to_string(),
            422,
            "invalid_range",
        ),
        (format!("from={long_ago}&to={today}"), 422, "invalid_range"),
        ("limit=0".to_string(), 400, "invalid_limit"),
        ("limit=101".to_string(), 400, "invalid_limit"),
        ("cursor=garbage".to_string(), 422, "invalid_cursor"),
    ] {
        let r = app
            .get(&format!("/admin/payments?{query}"), Some(&admin))
            .await;
        assert_eq!(r.status, status, "{query}: {r:?}");
        assert_eq!(r.body["error"]["code"], code, "{query}");
    }
    // A cursor is good only for the kind and range that issued it.
    let key = serde_json::json!({
        "pk": {"S": format!("PAYMENTS#refund#{}", today.format("%Y-%m"))},
        "sk": {"S": format!("{today}T10:00:00.000Z#o1:refund#100")},
    });
    use base64::Engine;
    let cursor = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.to_string());
    let ok = app
        .get(
            &format!("/admin/payments?kind=refund&cursor={cursor}"),
            Some(&admin),
        )
        .await;
    assert_eq!(ok.status, 200, "{ok:?}");
    for query in [
        format!("kind=capture&cursor={cursor}"),
        format!("cursor={cursor}"),
        format!(
            "kind=refund&to={}&cursor={cursor}",
            today.pred_opt().unwrap()
        ),
    ] {
        let r = app
            .get(&format!("/admin/payments?{query}"), Some(&admin))
            .await;
        assert_eq!(r.status, 422, "{query}: {r:?}");
        assert_eq!(r.body["error"]["code"], "invalid_cursor", "{query}");
    }
    let r = app.get("/admin/payments", Some(&app.token("eve"))).await;
    assert_eq!(r.status, 403, "{r:?}");
    let r = app.get("/admin/payments", None).await;
    assert_eq!(r.status, 401, "{r:?}");
    let r = app.get("/admin/payments", Some(&admin)).await;
    assert_eq!(r.body, json!({"items": [], "nextCursor": null}));
}
