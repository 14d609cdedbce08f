//! Backorders: an order short of a backorderable product waits (on a
//! stored task token) and resumes in order of placement when stock is
//! received, as far as the stock goes; products without backorder still
//! reject.

use std::time::Duration;

use serde_json::{json, Value};
use tests::{checkout_body_with, spawn_app, TestApp};

async fn place(app: &TestApp, sub: &str, sku: &str) -> (String, String) {
    let token = app.token(sub);
    let cart = app.cart_with(Some(&token), &[(sku, 1)]).await;
    let r = app
        .checkout(
            &cart,
            &token,
            "k",
            &checkout_body_with(&format!("{sub}@example.com"), "pm_card_visa", "62701"),
        )
        .await;
    assert_eq!(r.status, 202, "{r:?}");
    (r.body["orderId"].as_str().unwrap().to_string(), token)
}

/// Waits until the order has `status` (the workflow keeps running).
async fn reaches(app: &TestApp, order_id: &str, token: &str, status: &str) -> Value {
    for _ in 0..600 {
        let r = app.get(&format!("/orders/{order_id}"), Some(token)).await;
        if r.body["status"] == status {
            return r.body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("order {order_id} never became {status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backorders_wait_and_resume_in_order_of_placement_as_far_as_stock_goes() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let r = app
        .post(
            "/admin/products",
            Some(&admin),
            json!({"sku": "PRE", "name": "Pre-order lamp", "price": {"amount": 2_000, "currency": "USD"},
                   "allowBackorder": true}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let r = app
        .post(
            "/admin/products/PRE/stock",
            Some(&admin),
            json!({"delta": 1, "reason": "received"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");

    // Stock 1, three orders of 1: the first proceeds, two wait.
    let (first, ann) = place(&app, "ann", "PRE").await;
    assert_eq!(app.settled_order(&first, &ann).await["status"], "SHIPPED");
    let (second, ben) = place(&app, "ben", "PRE").await;
    let waiting = reaches(&app, &second, &ben, "BACKORDERED").await;
    assert!(waiting["statusHistory"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["reason"]
            .as_str()
            .is_some_and(|r| r.contains("waiting for stock: PRE"))));
    let (third, cat) = place(&app, "cat", "PRE").await;
    reaches(&app, &third, &cat, "BACKORDERED").await;
    assert_eq!(app.stock("PRE").await, (0, 0, 0), "backorders hold nothing");
    // Both workflows wait on their stored tokens before stock arrives.
    for id in [&second, &third] {
        for _ in 0..300 {
            let order = app.store().get_order(id).await.unwrap().unwrap();
            if order.backorder_token.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    assert_eq!(app.execution_status(&second).await, "RUNNING");

    // The customers are told; admins see the backorders, oldest first.
    for email in ["ben@example.com", "cat@example.com"] {
        let mut subjects = Vec::new();
        for _ in 0..100 {
            subjects = app.sent_emails(email).await;
            if !subjects.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(subjects.len(), 1, "{subjects:?}");
        assert!(subjects[0].0.ends_with("is on backorder"), "{subjects:?}");
    }
    let listed = app
        .get("/admin/orders?status=BACKORDERED", Some(&admin))
        .await;
    let ids: Vec<&str> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["orderId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{listed:?}");
    assert!(ids.contains(&second.as_str()) && ids.contains(&third.as_str()));

    // One unit received: the earlier of the two resumes, the later waits.
    let r = app
        .post(
            "/admin/products/PRE/stock",
            Some(&admin),
            json!({"delta": 1, "reason": "received"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["resumedOrders"], json!([second]));
    let resumed = app.settled_order(&second, &ben).await;
    assert_eq!(resumed["status"], "SHIPPED", "{resumed}");
    assert_eq!(app.execution_status(&second).await, "SUCCEEDED");
    let still = app.get(&format!("/orders/{third}"), Some(&cat)).await;
    assert_eq!(still.body["status"], "BACKORDERED");
    assert_eq!(app.execution_status(&third).await, "RUNNING");
    assert_eq!(app.stock("PRE").await, (0, 0, 0));

    // Cancelling a waiting order ends its workflow at once.
    let r = app
        .post(&format!("/orders/{third}/cancel"), Some(&cat), json!({}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let cancelled = app.settled_order(&third, &cat).await;
    assert_eq!(cancelled["status"], "CANCELLED");
    assert_eq!(app.execution_status(&third).await, "FAILED");
    // Stock received later resumes nothing.
    let r = app
        .post(
            "/admin/products/PRE/stock",
            Some(&admin),
            json!({"delta": 2, "reason": "received"}),
        )
        .await;
    assert_eq!(r.body["resumedOrders"], json!([]));
    assert_eq!(app.stock("PRE").await, (2, 0, 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_without_backorder_still_rejects_when_short() {
    let app = spawn_app().await;
    app.create_product("MUG", 1_400, 1).await;
    // Both carts take the last unit while it is still there.
    let ann = app.token("ann");
    let ben = app.token("ben");
    let cart_a = app.cart_with(Some(&ann), &[("MUG", 1)]).await;
    let cart_b = app.cart_with(Some(&ben), &[("MUG", 1)]).await;
    let body =
        |who: &str| checkout_body_with(&format!("{who}@example.com"), "pm_card_visa", "62701");
    let a = app.checkout(&cart_a, &ann, "k", &body("ann")).await;
    let a_id = a.body["orderId"].as_str().unwrap().to_string();
    assert_eq!(app.settled_order(&a_id, &ann).await["status"], "SHIPPED");
    let b = app.checkout(&cart_b, &ben, "k", &body("ben")).await;
    let b_id = b.body["orderId"].as_str().unwrap().to_string();
    let order = app.settled_order(&b_id, &ben).await;
    assert_eq!(order["status"], "REJECTED", "{order}");
    assert_eq!(app.execution_status(&b_id).await, "FAILED");
}
