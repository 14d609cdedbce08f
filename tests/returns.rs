//! Returns and refunds: a discounted unit refunds what was paid for it,
//! damaged units are not restocked, quantities never exceed what is left,
//! refunds never exceed the capture, and every refund happens once.

use serde_json::{json, Value};
use shared::payments::sandbox::Operation;
use tests::{checkout_body_with, spawn_app, TestApp};

fn refunds_of(app: &TestApp, payment_id: &str) -> Vec<i64> {
    app.stack
        .payments
        .operations()
        .into_iter()
        .filter_map(|op| match op {
            Operation::Refund {
                payment_id: p,
                amount,
                ..
            } if p == payment_id => Some(amount.amount),
            _ => None,
        })
        .collect()
}

async fn return_of(
    app: &TestApp,
    order_id: &str,
    token: &str,
    sku: &str,
    quantity: i64,
) -> tests::Reply {
    app.post(
        &format!("/orders/{order_id}/returns"),
        Some(token),
        json!({"lines": [{"sku": sku, "quantity": quantity}], "reason": "not as pictured"}),
    )
    .await
}

async fn admin_post(app: &TestApp, path: &str, body: Value) -> tests::Reply {
    app.post(path, Some(&app.admin_token()), body).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn returns_refund_what_was_paid_restock_only_restockable_units_and_never_overrefund() {
    let app = spawn_app().await;
    app.create_product("TEE", 1_000, 10).await;
    app.create_product("MUG", 1_400, 10).await;
    let r = admin_post(
        &app,
        "/admin/promotions",
        json!({"code": "SPRING15", "type": "PERCENTAGE", "percentOff": 15}),
    )
    .await;
    assert_eq!(r.status, 201, "{r:?}");

    // 3 tees and a mug with 15% off: the order keeps each line's share.
    let alice = app.token("alice");
    let cart = app.cart_with(Some(&alice), &[("TEE", 3), ("MUG", 1)]).await;
    let r = app
        .send(
            "PUT",
            &format!("/carts/{cart}/promotion"),
            Some(&alice),
            &[],
            Some(json!({"code": "SPRING15"}).to_string()),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let placed = app
        .checkout(
            &cart,
            &alice,
            "k",
            &checkout_body_with("alice@example.com", "pm_card_visa", "62701"),
        )
        .await;
    let order_id = placed.body["orderId"].as_str().unwrap().to_string();
    assert_eq!(
        app.settled_order(&order_id, &alice).await["status"],
        "SHIPPED"
    );

    // Not before delivery.
    let early = return_of(&app, &order_id, &alice, "TEE", 1).await;
    assert_eq!(early.status, 409, "{early:?}");
    assert_eq!(early.body["error"]["code"], "not_delivered");
    app.deliver(&order_id).await;

    let order = app.admin_order(&order_id).await;
    let total = order["total"]["amount"].as_i64().unwrap();
    let payment_id = order["payment"]["paymentId"].as_str().unwrap().to_string();
    let tee = order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["sku"] == "TEE")
        .unwrap()
        .clone();
    let tee_paid =
        tee["lineTotal"]["amount"].as_i64().unwrap() - tee["discount"]["amount"].as_i64().unwrap();
    assert!(tee_paid < 3_000, "the tees were discounted: {tee}");
    let (on_hand_before, _, _) = app.stock("TEE").await;

    // Someone else's order is not found; bad lines are refused.
    let bob = app.token("bob");
    assert_eq!(return_of(&app, &order_id, &bob, "TEE", 1).await.status, 404);
    assert_eq!(
        return_of(&app, &order_id, &alice, "HAT", 1).await.status,
        422
    );
    assert_eq!(
        return_of(&app, &order_id, &alice, "TEE", 0).await.status,
        422
    );

    // Return 1 of 3 discounted tees, damaged: refunds that unit's paid share.
    let first = return_of(&app, &order_id, &alice, "TEE", 1).await;
    assert_eq!(first.status, 201, "{first:?}");
    assert_eq!(first.body["status"], "REQUESTED");
    let first_id = first.body["returnId"].as_str().unwrap().to_string();
    // Asking for more than remains (3 bought, 1 claimed) is refused.
    let above = return_of(&app, &order_id, &alice, "TEE", 3).await;
    assert_eq!(above.status, 422, "{above:?}");
    assert_eq!(above.body["error"]["code"], "invalid_return");
    // Admins find it among the returns waiting for them.
    let open = app.get("/admin/returns", Some(&app.admin_token())).await;
    assert_eq!(open.status, 200, "{open:?}");
    let listed: Vec<&str> = open.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["returnId"].as_str().unwrap())
        .collect();
    assert_eq!(listed, vec![first_id.as_str()]);
    assert_eq!(open.body["items"][0]["orderId"], json!(order_id));
    assert_eq!(open.body["items"][0]["status"], "REQUESTED");
    let base = format!("/admin/orders/{order_id}/returns/{first_id}");
    // Received only once approved.
    let r = admin_post(
        &app,
        &format!("{base}/receive"),
        json!({"lines": [{"sku": "TEE", "disposition": "DAMAGED"}]}),
    )
    .await;
    assert_eq!(r.status, 409, "{r:?}");
    let r = admin_post(&app, &format!("{base}/approve"), json!({})).await;
    assert_eq!(r.body["status"], "APPROVED", "{r:?}");
    for _ in 0..2 {
        let r = admin_post(
            &app,
            &format!("{base}/receive"),
            json!({"lines": [{"sku": "TEE", "disposition": "DAMAGED"}]}),
        )
        .await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.body["status"], "REFUNDED");
        assert_eq!(
            r.body["refund"]["amount"],
            tee_paid / 3,
            "one unit's paid share"
        );
    }
    assert_eq!(
        refunds_of(&app, &payment_id),
        vec![tee_paid / 3],
        "refunded once"
    );
    assert_eq!(
        app.stock("TEE").await.0,
        on_hand_before,
        "damaged: not restocked"
    );
    let open = app.get("/admin/returns", Some(&app.admin_token())).await;
    assert_eq!(open.body["items"], json!([]), "nothing waits once refunded");
    let order = app.admin_order(&order_id).await;
    assert_eq!(order["status"], "PARTIALLY_REFUNDED");
    assert_eq!(order["payment"]["refunded"]["amount"], tee_paid / 3);
    // The carrier repeats its delivered event (it heard no 2xx): the event
    // is acknowledged as a duplicate whatever the order became since.
    let tracking = order["shipment"]["trackingNumber"].as_str().unwrap();
    let again = app.carrier_delivered(&order_id, tracking).await;
    assert_eq!(
        (again.status, &again.body["duplicate"]),
        (200, &json!(true))
    );
    assert_eq!(
        app.admin_order(&order_id).await["status"],
        "PARTIALLY_REFUNDED"
    );

    // The other 2 tees, restockable: the rest of the tees' paid amount.
    let second = return_of(&app, &order_id, &alice, "TEE", 2).await;
    assert_eq!(second.status, 201, "{second:?}");
    let second_id = second.body["returnId"].as_str().unwrap();
    let base = format!("/admin/orders/{order_id}/returns/{second_id}");
    admin_post(&app, &format!("{base}/approve"), json!({})).await;
    let r = admin_post(
        &app,
        &format!("{base}/receive"),
        json!({"lines": [{"sku": "TEE", "disposition": "RESTOCK"}]}),
    )
    .await;
    assert_eq!(r.body["refund"]["amount"], tee_paid - tee_paid / 3, "{r:?}");
    assert_eq!(app.stock("TEE").await.0, on_hand_before + 2, "restocked");
    assert_eq!(
        return_of(&app, &order_id, &alice, "TEE", 1).await.status,
        422,
        "nothing left to return"
    );

    // A refund without a return: never above what remains.
    let refunded: i64 = refunds_of(&app, &payment_id).iter().sum();
    assert_eq!(refunded, tee_paid);
    let remaining = total - refunded;
    let refund = |amount: i64, key: &'static str| {
        let app = &app;
        let path = format!("/admin/orders/{order_id}/refunds");
        async move {
            app.send(
                "POST",
                &path,
                Some(&app.admin_token()),
                &[("idempotency-key", key)],
                Some(
                    json!({"amount": {"amount": amount, "currency": "USD"}, "reason": "goodwill"})
                        .to_string(),
                ),
            )
            .await
        }
    };
    let r = refund(remaining + 1, "r1").await;
    assert_eq!(r.status, 422, "{r:?}");
    assert_eq!(r.body["error"]["code"], "refund_exceeds_remaining");
    for _ in 0..2 {
        let r = refund(remaining, "r2").await;
        assert_eq!(r.status, 201, "{r:?}");
        assert_eq!(r.body["status"], "SUCCEEDED");
    }
    let all: i64 = refunds_of(&app, &payment_id).iter().sum();
    assert_eq!(all, total, "refunds add up to the capture, never more");
    assert_eq!(refunds_of(&app, &payment_id).len(), 3);
    let order = app.admin_order(&order_id).await;
    assert_eq!(order["status"], "REFUNDED");
    assert_eq!(order["payment"]["status"], "REFUNDED");
    assert_eq!(refund(1, "r3").await.status, 409, "nothing left");
    let emails = app.sent_emails("alice@example.com").await;
    assert_eq!(
        emails
            .iter()
            .filter(|(s, _)| s.starts_with("Refund for order"))
            .count(),
        3
    );
}
