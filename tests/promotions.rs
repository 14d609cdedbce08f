//! Promotions: admin CRUD, codes on carts with clear reasons, usage limits
//! under concurrent checkouts, once per customer, and uses given back by
//! orders that end without a sale.

use serde_json::{json, Value};
use tests::{checkout_body_with, spawn_app, TestApp};

async fn create_promotion(app: &TestApp, body: Value) -> Value {
    let r = app
        .post("/admin/promotions", Some(&app.admin_token()), body)
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body
}

async fn promotion(app: &TestApp, code: &str) -> Value {
    let r = app
        .get(
            &format!("/admin/promotions/{code}"),
            Some(&app.admin_token()),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_limited_to_five_uses_discounts_exactly_five_of_twenty_concurrent_checkouts() {
    let app = spawn_app().await;
    app.create_product("MUG", 1_400, 100).await;
    app.create_product("TEE", 999, 100).await;
    create_promotion(
        &app,
        json!({"code": "five-only", "description": "15% off, five orders", "type": "PERCENTAGE",
               "percentOff": 15, "usageLimit": 5}),
    )
    .await;

    // 20 customers, each with a cart the code applies to.
    let mut carts = Vec::new();
    for i in 0..20 {
        let token = app.token(&format!("buyer-{i}"));
        let cart = app.cart_with(Some(&token), &[("MUG", 1), ("TEE", 2)]).await;
        let r = app.apply_promotion(&cart, Some(&token), "FIVE-ONLY").await;
        assert_eq!(r.status, 200, "{r:?}");
        // 15% of 33.98 = 5.097 → 5.10, split 2.10 / 3.00 by line totals.
        assert_eq!(r.body["subtotal"]["amount"], 3_398);
        assert_eq!(r.body["discount"]["amount"], 510);
        assert_eq!(r.body["total"]["amount"], 2_888);
        assert_eq!(r.body["lines"][0]["discount"]["amount"], 210);
        assert_eq!(r.body["lines"][1]["discount"]["amount"], 300);
        carts.push((token, cart, i));
    }
    let app_ref = &app;
    let replies = futures::future::join_all(carts.iter().map(|(token, cart, i)| async move {
        let body = checkout_body_with(&format!("buyer-{i}@example.com"), "pm_card_visa", "62701");
        app_ref
            .checkout(cart, token, &format!("key-{i}"), &body)
            .await
    }))
    .await;
    let placed: Vec<&tests::Reply> = replies.iter().filter(|r| r.status == 202).collect();
    let refused: Vec<&tests::Reply> = replies.iter().filter(|r| r.status != 202).collect();
    assert_eq!(placed.len(), 5, "{replies:?}");
    for r in &refused {
        assert_eq!(r.status, 409, "{r:?}");
        assert_eq!(r.body["error"]["code"], "promotion_used_up", "{r:?}");
    }
    for r in &placed {
        assert_eq!(r.body["discount"]["amount"], 510);
        assert_eq!(r.body["total"]["amount"], 2_888);
    }
    assert_eq!(promotion(&app, "FIVE-ONLY").await["used"], 5);

    // The five orders are charged the discounted total, to the cent.
    for r in &placed {
        let order_id = r.body["orderId"].as_str().unwrap();
        let order = app.admin_order(order_id).await;
        let (token, _, _) = carts
            .iter()
            .find(|(_, cart, _)| order["cartId"] == json!(cart))
            .unwrap();
        let settled = app.settled_order(order_id, token).await;
        assert_eq!(settled["status"], "SHIPPED", "{settled}");
        assert_eq!(settled["promotion"]["code"], "FIVE-ONLY");
        assert_eq!(settled["promotion"]["discount"]["amount"], 510);
        assert_eq!(settled["lines"][0]["discount"]["amount"], 210);
        assert_eq!(settled["lines"][1]["discount"]["amount"], 300);
        let order = app.admin_order(order_id).await;
        assert_eq!(order["payment"]["amount"]["amount"], 2_888);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_apply_only_when_they_should_and_say_why_not() {
    let app = spawn_app().await;
    app.create_product("MUG", 1_400, 50).await;
    app.create_product("TEE", 999, 50).await;
    let admin = app.admin_token();
    let alice = app.token("alice");

    // Admin CRUD, with validation: 400 for a value that breaks the schema,
    // 422 `invalid_range` for well-formed dates out of order.
    for (body, field, status) in [
        (
            json!({"code": "BAD", "type": "PERCENTAGE", "percentOff": 0}),
            "percentOff",
            400,
        ),
        (json!({"code": "BAD", "type": "BOGUS"}), "type", 400),
        (
            json!({"code": "a b", "type": "PERCENTAGE", "percentOff": 5}),
            "code",
            400,
        ),
        (
            json!({"code": "BAD", "type": "FIXED_AMOUNT", "amountOff": {"amount": 100, "currency": "EUR"}}),
            "amountOff",
            400,
        ),
        (
            json!({"code": "BAD", "type": "PERCENTAGE", "percentOff": 5,
                   "startsAt": "2030-01-02T00:00:00Z", "endsAt": "2030-01-01T00:00:00Z"}),
            "endsAt",
            422,
        ),
    ] {
        let r = app.post("/admin/promotions", Some(&admin), body).await;
        assert_eq!(r.status, status, "{r:?}");
        let code = if status == 400 {
            "invalid_field"
        } else {
            "invalid_range"
        };
        assert_eq!(r.body["error"]["code"], code, "{r:?}");
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with(field),
            "{r:?}"
        );
    }
    let created = create_promotion(
        &app,
        json!({"code": "MUGS5", "description": "5.00 off mugs over 20.00", "type": "FIXED_AMOUNT",
               "amountOff": {"amount": 500, "currency": "USD"}, "skus": ["MUG"],
               "minSubtotal": {"amount": 2000, "currency": "USD"}}),
    )
    .await;
    assert_eq!(created["used"], 0);
    let r = app
        .post(
            "/admin/promotions",
            Some(&admin),
            json!({"code": "mugs5", "type": "PERCENTAGE", "percentOff": 5}),
        )
        .await;
    assert_eq!(r.status, 409, "{r:?}");
    assert_eq!(app.get("/admin/promotions", Some(&alice)).await.status, 403);
    let listed = app.get("/admin/promotions", Some(&admin)).await;
    assert_eq!(listed.body["items"][0]["code"], "MUGS5");
    create_promotion(
        &app,
        json!({"code": "LATER", "type": "PERCENTAGE", "percentOff": 5, "startsAt": "2099-01-01T00:00:00Z"}),
    )
    .await;
    create_promotion(
        &app,
        json!({"code": "OVER", "type": "PERCENTAGE", "percentOff": 5, "endsAt": "2020-01-01T00:00:00Z"}),
    )
    .await;

    // Reasons a code does not apply; the cart is left as it was.
    let cart = app.cart_with(Some(&alice), &[("TEE", 1)]).await;
    for (code, reason) in [
        ("NOPE", "promotion_not_found"),
        ("MUGS5", "promotion_minimum_not_met"),
        ("LATER", "promotion_not_started"),
        ("OVER", "promotion_expired"),
    ] {
        let r = app.apply_promotion(&cart, Some(&alice), code).await;
        assert_eq!(r.status, 422, "{code}: {r:?}");
        assert_eq!(r.body["error"]["code"], reason, "{code}: {r:?}");
    }
    let r = app
        .post(
            &format!("/carts/{cart}/items"),
            Some(&alice),
            json!({"sku": "TEE", "quantity": 2}),
        )
        .await;
    assert_eq!(r.body["subtotal"]["amount"], 2_997);
    assert!(r.body.get("promotion").is_none(), "{r:?}");
    let r = app.apply_promotion(&cart, Some(&alice), "MUGS5").await;
    assert_eq!(r.body["error"]["code"], "promotion_not_eligible", "{r:?}");
    let r = app.apply_promotion(&cart, Some(&alice), "x").await;
    assert_eq!(r.status, 400, "{r:?}");

    // Applied: the discount only touches mugs and never exceeds them.
    let r = app
        .post(
            &format!("/carts/{cart}/items"),
            Some(&alice),
            json!({"sku": "MUG", "quantity": 1}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = app.apply_promotion(&cart, Some(&alice), "mugs5").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["promotion"]["code"], "MUGS5");
    assert_eq!(r.body["promotion"]["applies"], true);
    assert_eq!(r.body["discount"]["amount"], 500);
    assert_eq!(r.body["total"]["amount"], 2_997 + 1_400 - 500);
    let mug_line = r.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["sku"] == "MUG")
        .unwrap()
        .clone();
    assert_eq!(mug_line["discount"]["amount"], 500);

    // The cart changes so it no longer qualifies: shown, not silently dropped.
    let r = app
        .send(
            "DELETE",
            &format!("/carts/{cart}/items/TEE"),
            Some(&alice),
            &[],
            None,
        )
        .await;
    assert_eq!(r.body["promotion"]["applies"], false, "{r:?}");
    assert_eq!(
        r.body["promotion"]["reasonCode"],
        "promotion_minimum_not_met"
    );
    assert_eq!(r.body["discount"]["amount"], 0);
    assert_eq!(r.body["total"]["amount"], 1_400);
    // Checking out with it is refused with the reason, and writes nothing.
    let r = app
        .checkout(
            &cart,
            &alice,
            "k1",
            &checkout_body_with("alice@example.com", "pm_card_visa", "62701"),
        )
        .await;
    assert_eq!(r.status, 409, "{r:?}");
    assert_eq!(r.body["error"]["code"], "promotion_minimum_not_met");
    assert_eq!(promotion(&app, "MUGS5").await["used"], 0);
    let r = app
        .send(
            "DELETE",
            &format!("/carts/{cart}/promotion"),
            Some(&alice),
            &[],
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.get("promotion").is_none());

    // A deactivated code stops applying.
    let r = app
        .send("DELETE", "/admin/promotions/MUGS5", Some(&admin), &[], None)
        .await;
    assert_eq!(r.body["active"], false, "{r:?}");
    app.post(
        &format!("/carts/{cart}/items"),
        Some(&alice),
        json!({"sku": "MUG", "quantity": 1}),
    )
    .await;
    let r = app.apply_promotion(&cart, Some(&alice), "MUGS5").await;
    assert_eq!(r.body["error"]["code"], "promotion_inactive", "{r:?}");

    // Terms can change; the use count stays.
    let r = app
        .send(
            "PUT",
            "/admin/promotions/MUGS5",
            Some(&admin),
            &[],
            Some(
                json!({"type": "PERCENTAGE", "percentOff": 50, "description": "half-price mugs"})
                    .to_string(),
            ),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["discount"]["percentOff"], 50);
    assert_eq!(r.body["active"], true);
    assert!(r.body.get("minSubtotal").is_none(), "{r:?}");
    let r = app.apply_promotion(&cart, Some(&alice), "MUGS5").await;
    assert_eq!(r.body["discount"]["amount"], 1_400, "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn once_per_customer_and_a_failed_order_gives_its_use_back() {
    let app = spawn_app().await;
    app.create_product("MUG", 1_400, 50).await;
    create_promotion(
        &app,
        json!({"code": "ONCE", "type": "FIXED_AMOUNT", "amountOff": {"amount": 300, "currency": "USD"},
               "oncePerCustomer": true, "usageLimit": 10}),
    )
    .await;
    let alice = app.token("alice");
    let place = |token: String, method: &'static str, key: &'static str| {
        let app = &app;
        async move {
            let cart = app.cart_with(Some(&token), &[("MUG", 2)]).await;
            let r = app.apply_promotion(&cart, Some(&token), "ONCE").await;
            assert_eq!(r.status, 200, "{r:?}");
            let r = app
                .checkout(
                    &cart,
                    &token,
                    key,
                    &checkout_body_with("alice@example.com", method, "62701"),
                )
                .await;
            assert_eq!(r.status, 202, "{r:?}");
            assert_eq!(r.body["total"]["amount"], 2_500);
            let order_id = r.body["orderId"].as_str().unwrap().to_string();
            app.settled_order(&order_id, &token).await
        }
    };

    // A declined payment ends the order and gives the use back.
    let failed = place(
        alice.clone(),
        "pm_card_chargeDeclinedInsufficientFunds",
        "k1",
    )
    .await;
    assert_eq!(failed["status"], "PAYMENT_FAILED");
    assert_eq!(failed["promotion"]["useReturned"], true);
    assert_eq!(promotion(&app, "ONCE").await["used"], 0);

    // So alice can use it again; then never a second time.
    let shipped = place(alice.clone(), "pm_card_visa", "k2").await;
    assert_eq!(shipped["status"], "SHIPPED");
    assert_eq!(promotion(&app, "ONCE").await["used"], 1);
    let cart = app.cart_with(Some(&alice), &[("MUG", 2)]).await;
    let r = app.apply_promotion(&cart, Some(&alice), "ONCE").await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["error"]["code"], "promotion_already_used");
    // Another customer still can; cancelling gives the use back once.
    let bob = app.token("bob");
    let cart = app.cart_with(Some(&bob), &[("MUG", 2)]).await;
    assert_eq!(
        app.apply_promotion(&cart, Some(&bob), "ONCE").await.status,
        200
    );
    let r = app
        .checkout(
            &cart,
            &bob,
            "k3",
            &checkout_body_with("bob@example.com", "pm_card_visa", "62701"),
        )
        .await;
    let order_id = r.body["orderId"].as_str().unwrap().to_string();
    assert_eq!(promotion(&app, "ONCE").await["used"], 2);
    let cancel = app
        .post(&format!("/orders/{order_id}/cancel"), Some(&bob), json!({}))
        .await;
    if cancel.status == 200 {
        app.settled_order(&order_id, &bob).await;
        assert_eq!(promotion(&app, "ONCE").await["used"], 1);
        let again = app
            .post(&format!("/orders/{order_id}/cancel"), Some(&bob), json!({}))
            .await;
        assert_eq!(again.status, 200);
        assert_eq!(promotion(&app, "ONCE").await["used"], 1);
    } else {
        // The order shipped before the cancel: its use stays.
        assert_eq!(cancel.status, 409, "{cancel:?}");
        assert_eq!(promotion(&app, "ONCE").await["used"], 2);
    }
}
