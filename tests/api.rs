//! End-to-end tests of the HTTP API and the order workflow, against the
//! emulator, through the local API Gateway and the real state machine.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;

use futures::future::join_all;
use serde_json::{json, Value};
use tests::{checkout_body, spawn_app, TestApp};

async fn order_count(app: &TestApp) -> usize {
    app.store()
        .list_orders(&Default::default(), 100, None)
        .await
        .unwrap()
        .items
        .len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_checks_out_and_the_workflow_reserves_charges_and_ships() {
    let app = spawn_app().await;
    app.create_product("MUG", 1_400, 12).await;
    app.create_product("CAP", 1_900, 8).await;
    let alice = app.token("alice");

    let products = app.get("/products", None).await;
    assert_eq!(products.status, 200);
    let skus: Vec<&str> = products.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["CAP", "MUG"]);
    assert_eq!(products.body["items"][1]["available"], 12);

    let cart = app
        .cart_with(Some(&alice), &[("MUG", 2), ("CAP", 1), ("MUG", 1)])
        .await;
    let priced = app.get(&format!("/carts/{cart}"), Some(&alice)).await;
    assert_eq!(
        priced.body["lines"][0]["quantity"], 3,
        "adding a SKU again merges the line"
    );
    assert_eq!(priced.body["lines"][0]["lineTotal"]["amount"], 4_200);
    assert_eq!(
        priced.body["subtotal"],
        json!({"amount": 6_100, "currency": "USD"})
    );
    assert_eq!(priced.body["total"]["amount"], 6_100);

    let placed = app
        .checkout(&cart, &alice, "key-1", &checkout_body("Ada"))
        .await;
    assert_eq!(placed.status, 202, "{:?}", placed.body);
    assert_eq!(placed.body["status"], "PENDING");
    assert!(placed.body["orderNumber"]
        .as_str()
        .unwrap()
        .starts_with("ORD-"));
    let order_id = placed.body["orderId"].as_str().unwrap();
    assert_eq!(
        uuid::Uuid::parse_str(order_id).unwrap().get_version_num(),
        7
    );

    let order = app.settled_order(order_id, &alice).await;
    assert_eq!(order["status"], "SHIPPED");
    assert_eq!(order["total"]["amount"], 6_100);
    let history: Vec<&str> = order["statusHistory"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["PENDING", "RESERVED", "PAID", "SHIPPED"]);

    let inventory = app.get("/admin/inventory", Some(&app.admin_token())).await;
    let mug = inventory.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["sku"] == "MUG")
        .unwrap()
        .clone();
    assert_eq!(
        (
            mug["onHand"].as_i64(),
            mug["reserved"].as_i64(),
            mug["available"].as_i64()
        ),
        (Some(9), Some(0), Some(9)),
        "the three units sold left stock on hand"
    );

    // The execution named after the order succeeded in the emulator's Step Functions.
    assert_eq!(app.execution_status(order_id).await, "SUCCEEDED");

    let mine = app.get("/orders", Some(&alice)).await;
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(mine.body["items"][0]["orderId"], order_id);

    let closed = app.get(&format!("/carts/{cart}"), Some(&alice)).await;
    assert_eq!(closed.body["status"], "CHECKED_OUT");
    let again = app
        .checkout(&cart, &alice, "key-2", &checkout_body("Ada"))
        .await;
    assert_eq!(again.status, 409, "a cart is checked out at most once");
    assert_eq!(again.body["error"]["code"], "cart_checked_out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_checkouts_of_a_sku_with_ten_in_stock_reserve_exactly_ten() {
    let app = Arc::new(spawn_app().await);
    app.create_product("LIMITED", 5_000, 10).await;
    let carts = join_all((0..50).map(|i| {
        let app = app.clone();
        async move {
            let token = app.token(&format!("buyer-{i}"));
            let cart = app.cart_with(Some(&token), &[("LIMITED", 1)]).await;
            (token, cart)
        }
    }))
    .await;

    // Watch available stock while the orders settle.
    let lowest = Arc::new(AtomicI64::new(i64::MAX));
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (app, lowest, done) = (app.clone(), lowest.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::SeqCst) {
                let (_, _, available) = app.stock("LIMITED").await;
                lowest.fetch_min(available, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        })
    };

    let placed = join_all(carts.iter().enumerate().map(|(i, (token, cart))| {
        let app = app.clone();
        async move {
            let r = app
                .checkout(cart, token, &format!("k-{i}"), &checkout_body("Buyer"))
                .await;
            assert_eq!(r.status, 202, "{:?}", r.body);
            r.body["orderId"].as_str().unwrap().to_string()
        }
    }))
    .await;
    let settled = join_all(placed.iter().zip(&carts).map(|(id, (token, _))| {
        let app = app.clone();
        async move { app.settled_order(id, token).await }
    }))
    .await;
    done.store(true, Ordering::SeqCst);
    watcher.await.unwrap();

    let reserved = settled.iter().filter(|o| o["status"] == "SHIPPED").count();
    let rejected: Vec<&Value> = settled
        .iter()
        .filter(|o| o["status"] == "REJECTED")
        .collect();
    assert_eq!(reserved, 10);
    assert_eq!(rejected.len(), 40);
    let reason = rejected[0]["statusHistory"][1]["reason"].as_str().unwrap();
    assert!(
        reason.contains("LIMITED"),
        "the short SKU is named: {reason}"
    );
    assert_eq!(
        app.stock("LIMITED").await,
        (0, 0, 0),
        "ten sold and shipped"
    );
    assert!(
        lowest.load(Ordering::SeqCst) >= 0,
        "available never went below zero"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replaying_a_checkout_returns_the_same_order_and_a_changed_body_gets_422() {
    let app = spawn_app().await;
    app.create_product("TEE", 2_500, 5).await;
    let alice = app.token("alice");
    let cart = app.cart_with(Some(&alice), &[("TEE", 1)]).await;

    let missing = app
        .send(
            "POST",
            &format!("/carts/{cart}/checkout"),
            Some(&alice),
            &[],
            Some(checkout_body("Ada").to_string()),
        )
        .await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.body["error"]["code"], "idempotency_key_required");

    let first = app
        .checkout(&cart, &alice, "same-key", &checkout_body("Ada"))
        .await;
    assert_eq!(first.status, 202);
    let replay = app
        .checkout(&cart, &alice, "same-key", &checkout_body("Ada"))
        .await;
    assert_eq!(replay.status, 202);
    assert_eq!(replay.body, first.body);
    let changed = app
        .checkout(&cart, &alice, "same-key", &checkout_body("Grace"))
        .await;
    assert_eq!(changed.status, 422);
    assert_eq!(changed.body["error"]["code"], "idempotency_key_reused");
    assert_eq!(order_count(&app).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_checkouts_with_one_key_create_one_order() {
    let app = Arc::new(spawn_app().await);
    app.create_product("TEE", 2_500, 50).await;
    let alice = app.token("alice");
    let cart = app.cart_with(Some(&alice), &[("TEE", 2)]).await;
    let replies = join_all((0..8).map(|_| {
        let (app, alice, cart) = (app.clone(), alice.clone(), cart.clone());
        async move {
            app.checkout(&cart, &alice, "one-key", &checkout_body("Ada"))
                .await
        }
    }))
    .await;
    let ids: HashSet<String> = replies
        .iter()
        .filter(|r| r.status == 202)
        .map(|r| r.body["orderId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 1, "{replies:?}");
    for r in &replies {
        assert!(r.status == 202 || r.status == 409, "{r:?}");
    }
    assert_eq!(order_count(&app).await, 1);
    let order = app.settled_order(ids.iter().next().unwrap(), &alice).await;
    assert_eq!(order["status"], "SHIPPED");
    assert_eq!(app.stock("TEE").await, (48, 0, 48));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_see_only_their_own_carts_and_orders_and_admin_routes_need_the_admin_group() {
    let app = spawn_app().await;
    app.create_product("TEE", 2_500, 5).await;
    let (alice, bob) = (app.token("alice"), app.token("bob"));
    let cart = app.cart_with(Some(&alice), &[("TEE", 1)]).await;
    let placed = app
        .checkout(&cart, &alice, "k", &checkout_body("Ada"))
        .await;
    let order_id = placed.body["orderId"].as_str().unwrap();

    let r = app.get(&format!("/orders/{order_id}"), Some(&bob)).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body["error"]["code"], "not_found");
    assert_eq!(
        app.get(&format!("/carts/{cart}"), Some(&bob)).await.status,
        404
    );
    assert_eq!(
        app.get(&format!("/carts/{cart}"), None).await.status,
        404,
        "an owned cart is not anonymous"
    );
    let r = app
        .post(
            &format!("/carts/{cart}/items"),
            Some(&bob),
            json!({"sku": "TEE", "quantity": 1}),
        )
        .await;
    assert_eq!(r.status, 404);
    assert!(app.get("/orders", Some(&bob)).await.body["items"]
        .as_array()
        .unwrap()
        .is_empty());

    let r = app.get("/admin/orders", Some(&alice)).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["error"]["code"], "forbidden");
    assert_eq!(app.get("/admin/inventory", Some(&alice)).await.status, 403);
    assert_eq!(
        app.post("/admin/products", Some(&alice), json!({}))
            .await
            .status,
        403
    );

    assert_eq!(app.get("/orders", None).await.status, 401);
    assert_eq!(app.get("/admin/orders", None).await.status, 401);
    assert_eq!(app.get("/orders", Some("not-a-jwt")).await.status, 401);
    let expired = shared_expired_token(&app);
    assert_eq!(app.get("/orders", Some(&expired)).await.status, 401);
    assert_eq!(
        app.send("POST", "/carts", Some("garbage"), &[], None)
            .await
            .status,
        401
    );

    let admin = app.admin_token();
    let r = app
        .get(&format!("/admin/orders/{order_id}"), Some(&admin))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["customerSub"], "alice");
    let r = app.get("/admin/orders?status=PENDING", Some(&admin)).await;
    assert_eq!(r.status, 200);
}

fn shared_expired_token(_app: &TestApp) -> String {
    // Signed by an unrelated key and long expired: refused either way.
    let idp = local::identity::LocalIdentityProvider::generate().unwrap();
    idp.token("alice", false, -120).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_4xx_json_error_and_writes_nothing() {
    let app = spawn_app().await;
    app.create_product("TEE", 2_500, 5).await;
    let alice = app.token("alice");
    let admin = app.admin_token();
    let cart = app.cart_with(Some(&alice), &[("TEE", 1)]).await;
    let items = format!("/carts/{cart}/items");
    let before = app.get(&format!("/carts/{cart}"), Some(&alice)).await.body;

    let cases: Vec<(Option<String>, u16, &str)> = vec![
        (Some("{\"sku\": \"TEE\", ".into()), 400, "malformed_json"),
        (
            Some(json!({"sku": "TEE", "quantity": "two"}).to_string()),
            400,
            "invalid_body",
        ),
        (
            Some(json!({"sku": 12, "quantity": 1}).to_string()),
            400,
            "invalid_body",
        ),
        (
            Some(json!({"sku": "TEE", "quantity": -1}).to_string()),
            400,
            "invalid_field",
        ),
        (
            Some(json!({"sku": "TEE", "quantity": 0}).to_string()),
            400,
            "invalid_field",
        ),
        (
            Some(json!({"sku": "TEE", "quantity": 1000}).to_string()),
            400,
            "invalid_field",
        ),
        (
            Some(json!({"sku": "NOPE", "quantity": 1}).to_string()),
            422,
            "unknown_sku",
        ),
        (
            Some(json!({"sku": "TEE", "quantity": 1, "pad": "x".repeat(1024 * 1024)}).to_string()),
            413,
            "payload_too_large",
        ),
        (None, 400, "missing_body"),
    ];
    for (body, status, code) in cases {
        let r = app.send("POST", &items, Some(&alice), &[], body).await;
        assert_eq!(r.status, status, "{r:?}");
        assert_eq!(r.body["error"]["code"], code, "{r:?}");
        assert!(r.body["error"]["message"].is_string());
    }
    assert_eq!(
        app.get(&format!("/carts/{cart}"), Some(&alice)).await.body,
        before,
        "the cart is unchanged"
    );

    let r = app
        .send(
            "PATCH",
            &format!("{items}/TEE"),
            Some(&alice),
            &[],
            Some(json!({"quantity": -2}).to_string()),
        )
        .await;
    assert_eq!(r.status, 400);
    let r = app
        .send(
            "PATCH",
            &format!("{items}/OTHER"),
            Some(&alice),
            &[],
            Some(json!({"quantity": 2}).to_string()),
        )
        .await;
    assert_eq!(r.status, 404);

    let r = app
        .checkout(&cart, &alice, "k", &json!({"customer": {"name": "Ada"}}))
        .await;
    assert_eq!(r.status, 400);
    let mut bad_email = checkout_body("Ada");
    bad_email["customer"]["email"] = json!("not-an-email");
    let r = app.checkout(&cart, &alice, "k2", &bad_email).await;
    assert_eq!(r.status, 400);
    assert!(r.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("customer.email"));
    assert_eq!(order_count(&app).await, 0, "no order was written");
    assert_eq!(
        app.get(&format!("/carts/{cart}"), Some(&alice)).await.body["status"],
        "OPEN"
    );

    let admin_cases = [
        (
            "/admin/products",
            json!({"sku": "bad sku", "name": "x", "price": {"amount": 1, "currency": "USD"}}),
            400,
        ),
        (
            "/admin/products",
            json!({"sku": "NEG", "name": "x", "price": {"amount": -5, "currency": "USD"}}),
            400,
        ),
        (
            "/admin/products",
            json!({"sku": "EUR", "name": "x", "price": {"amount": 5, "currency": "EUR"}}),
            400,
        ),
        (
            "/admin/products",
            json!({"sku": "TEE", "name": "dup", "price": {"amount": 5, "currency": "USD"}}),
            409,
        ),
        // Stock never goes below what is reserved, nor below zero.
        (
            "/admin/products/TEE/stock",
            json!({"delta": -6, "reason": "write-off"}),
            409,
        ),
    ];
    for (path, body, status) in admin_cases {
        let r = app.post(path, Some(&admin), body).await;
        assert_eq!(r.status, status, "{path}: {r:?}");
    }
    assert_eq!(app.stock("TEE").await, (5, 0, 5));
    assert_eq!(app.get("/products/NOPE", None).await.status, 404);
    assert_eq!(app.get("/products?limit=0", None).await.status, 400);
    // Well formed (base64url) but never issued: 422, as for any rule the
    // schema cannot state.
    let r = app.get("/products?cursor=forged", None).await;
    assert_eq!(r.status, 422, "{r:?}");
    assert_eq!(r.body["error"]["code"], "invalid_cursor");
    assert_eq!(
        app.get("/orders/not-a-uuid", Some(&alice)).await.status,
        404
    );
    assert_eq!(app.get("/carts/not-a-uuid", None).await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_are_read_as_openapi_yaml_describes_them() {
    let app = spawn_app().await;
    app.create_product("TEE", 2_500, 5).await;
    let admin = app.admin_token();
    let product = |extra: Value| {
        let mut body = json!({"name": "Tee", "price": {"amount": 2500, "currency": "USD"}});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };

    // An integer may carry a zero fraction; a fraction or null is refused.
    let cart = app.cart_with(None, &[]).await;
    let items = format!("/carts/{cart}/items");
    let r = app
        .post(&items, None, json!({"sku": "TEE", "quantity": 2.0}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["lines"][0]["quantity"], 2);
    let r = app
        .post(&items, None, json!({"sku": "TEE", "quantity": 1.5}))
        .await;
    assert_eq!(
        (r.status, r.body["error"]["code"].as_str()),
        (400, Some("invalid_body"))
    );
    let r = app
        .send(
            "PUT",
            "/admin/products/TEE",
            Some(&admin),
            &[],
            Some(product(json!({"weightGrams": 250.0})).to_string()),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["weightGrams"], 250);

    // `sku` on an update may be absent or the path's, never null.
    let r = app
        .send(
            "PUT",
            "/admin/products/TEE",
            Some(&admin),
            &[],
            Some(product(json!({"sku": null})).to_string()),
        )
        .await;
    assert_eq!(
        (r.status, r.body["error"]["code"].as_str()),
        (400, Some("invalid_body")),
        "{r:?}"
    );
    let r = app
        .send(
            "PUT",
            "/admin/products/TEE",
            Some(&admin),
            &[],
            Some(product(json!({"sku": "MUG"})).to_string()),
        )
        .await;
    assert_eq!(
        (r.status, r.body["error"]["code"].as_str()),
        (422, Some("sku_mismatch")),
        "{r:?}"
    );

    // Unknown fields are ignored everywhere, promotions included.
    let r = app
        .post(
            "/admin/promotions",
            Some(&admin),
            json!({"code": "EXTRA", "type": "PERCENTAGE", "percentOff": 10, "note": "ignored"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");

    // Text is measured as sent: trailing spaces count towards the limit.
    let r = app
        .send(
            "PUT",
            "/admin/products/TEE",
            Some(&admin),
            &[],
            Some(product(json!({"name": format!("{} ", "n".repeat(200))})).to_string()),
        )
        .await;
    assert_eq!(
        (r.status, r.body["error"]["code"].as_str()),
        (400, Some("invalid_field")),
        "{r:?}"
    );

    // Dates out of order are 422 `invalid_range`.
    let r = app
        .get(
            "/admin/reports/sales?from=2026-02-01&to=2026-01-01",
            Some(&admin),
        )
        .await;
    assert_eq!(
        (r.status, r.body["error"]["code"].as_str()),
        (422, Some("invalid_range")),
        "{r:?}"
    );
    let r = app
        .get("/admin/orders?from=2026-02-01&to=2026-01-01", Some(&admin))
        .await;
    assert_eq!(
        (r.status, r.body["error"]["code"].as_str()),
        (422, Some("invalid_range")),
        "{r:?}"
    );

    // A signed carrier event without a tracking number is the sender's
    // mistake (400), not a fault (DynamoDB refuses an empty key).
    let body = json!({"eventId": "evt-1", "trackingNumber": "", "type": "delivered",
                      "occurredAt": "2030-01-01T10:00:00Z"})
    .to_string();
    let r = app.carrier_event(&body).await;
    assert_eq!(
        (r.status, r.body["error"]["code"].as_str()),
        (400, Some("invalid_field")),
        "{r:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stock_cannot_be_written_off_below_what_is_reserved() {
    let app = spawn_app().await;
    app.create_product("TEE", 2_500, 5).await;
    // Three units held by an order whose workflow is not running.
    let order = app
        .pending_order(
            "01a20000-0000-7000-8000-0000000000a1",
            "alice",
            &[("TEE", 3)],
        )
        .await;
    app.store()
        .reserve_stock(&order, &shared::domain::now_rfc3339())
        .await
        .unwrap();
    let admin = app.admin_token();
    let r = app
        .post(
            "/admin/products/TEE/stock",
            Some(&admin),
            json!({"delta": -3, "reason": "damaged"}),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(r.body["error"]["code"], "stock_below_reserved");
    let r = app
        .post(
            "/admin/products/TEE/stock",
            Some(&admin),
            json!({"delta": -2, "reason": "damaged"}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        (
            r.body["onHand"].as_i64(),
            r.body["reserved"].as_i64(),
            r.body["available"].as_i64()
        ),
        (Some(3), Some(3), Some(0))
    );
    let low = app
        .get("/admin/inventory?lowStock=true", Some(&admin))
        .await;
    assert_eq!(low.body["items"][0]["sku"], "TEE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_cart_is_bound_to_the_customer_who_checks_it_out() {
    let app = spawn_app().await;
    app.create_product("TEE", 2_500, 5).await;
    let cart = app.cart_with(None, &[("TEE", 1)]).await;
    assert_eq!(app.get(&format!("/carts/{cart}"), None).await.status, 200);
    let alice = app.token("alice");
    let placed = app
        .checkout(&cart, &alice, "k", &checkout_body("Ada"))
        .await;
    assert_eq!(placed.status, 202);
    assert_eq!(app.get(&format!("/carts/{cart}"), None).await.status, 404);
    assert_eq!(
        app.get(&format!("/carts/{cart}"), Some(&alice))
            .await
            .status,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_cart_is_gone_even_before_ttl_deletes_it() {
    let app = spawn_app().await;
    app.create_product("TEE", 2_500, 5).await;
    let alice = app.token("alice");
    let cart_id = app.cart_with(Some(&alice), &[("TEE", 1)]).await;
    let store = app.store();
    let mut cart = store.get_cart(&cart_id).await.unwrap().unwrap();
    cart.expires_at = chrono_now() - 1;
    store.save_cart(&cart).await.unwrap();
    assert_eq!(
        app.get(&format!("/carts/{cart_id}"), Some(&alice))
            .await
            .status,
        404
    );
    let r = app
        .checkout(&cart_id, &alice, "k", &checkout_body("Ada"))
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(order_count(&app).await, 0);
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn products_and_orders_page_with_a_cursor() {
    let app = spawn_app().await;
    for i in 0..5 {
        app.create_product(&format!("SKU-{i}"), 100 + i, 10).await;
    }
    let admin = app.admin_token();
    let r = app
        .send("DELETE", "/admin/products/SKU-4", Some(&admin), &[], None)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["active"], false);
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/products?limit=2&cursor={c}"),
            None => "/products?limit=2".to_string(),
        };
        let page = app.get(&path, None).await;
        assert_eq!(page.status, 200);
        for p in page.body["items"].as_array().unwrap() {
            seen.push(p["sku"].as_str().unwrap().to_string());
        }
        match page.body["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["SKU-0", "SKU-1", "SKU-2", "SKU-3"],
        "archived products are not listed"
    );
    assert_eq!(app.get("/products/SKU-4", None).await.status, 404);

    let r = app
        .send(
            "PUT",
            "/admin/products/SKU-0",
            Some(&admin),
            &[],
            Some(
                json!({"name": "Renamed", "price": {"amount": 999, "currency": "USD"}}).to_string(),
            ),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        r.body["onHand"], 10,
        "editing the catalog leaves stock alone"
    );
    assert_eq!(
        app.get("/products/SKU-0", None).await.body["price"]["amount"],
        999
    );

    let alice = app.token("alice");
    let mut ids = Vec::new();
    for i in 0..3 {
        let cart = app.cart_with(Some(&alice), &[("SKU-1", 1)]).await;
        let r = app
            .checkout(&cart, &alice, &format!("k{i}"), &checkout_body("Ada"))
            .await;
        ids.push(r.body["orderId"].as_str().unwrap().to_string());
    }
    let first = app.get("/orders?limit=2", Some(&alice)).await;
    let page1: Vec<&str> = first.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["orderId"].as_str().unwrap())
        .collect();
    assert_eq!(page1, [ids[2].as_str(), ids[1].as_str()], "newest first");
    let next = first.body["nextCursor"].as_str().unwrap();
    let second = app
        .get(&format!("/orders?limit=2&cursor={next}"), Some(&alice))
        .await;
    assert_eq!(second.body["items"][0]["orderId"], ids[0].as_str());
    let bob = app.token("bob");
    assert_eq!(
        app.get(&format!("/orders?limit=2&cursor={next}"), Some(&bob))
            .await
            .status,
        422,
        "a cursor is not a way into another customer's orders"
    );

    for id in &ids {
        app.settled_order(id, &alice).await;
    }
    let today = &app
        .get(&format!("/orders/{}", ids[0]), Some(&alice))
        .await
        .body["createdAt"]
        .as_str()
        .unwrap()[..10]
        .to_string();
    let r = app
        .get(
            &format!("/admin/orders?status=SHIPPED&from={today}&to={today}"),
            Some(&admin),
        )
        .await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 3);
    let r = app.get("/admin/orders?status=REJECTED", Some(&admin)).await;
    assert!(r.body["items"].as_array().unwrap().is_empty());
    let r = app
        .get("/admin/orders?from=2001-01-01&to=2001-12-31", Some(&admin))
        .await;
    assert!(r.body["items"].as_array().unwrap().is_empty());
    assert_eq!(
        app.get("/admin/orders?status=LOST", Some(&admin))
            .await
            .status,
        400
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_apps_origins_pass_cors_and_other_origins_do_not() {
    let app = spawn_app().await;
    let preflight = |origin: &'static str| {
        app.http
            .request(reqwest::Method::OPTIONS, format!("{}/carts", app.url))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
    };
    // The admin dashboard's local origin, as the stack registers it.
    let allowed = preflight("http://127.0.0.1:3001").await.unwrap();
    assert_eq!(allowed.status().as_u16(), 204);
    let methods = allowed.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap();
    assert!(methods.contains("POST") && methods.contains("PATCH"));
    let headers = allowed.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap();
    assert!(headers.contains("idempotency-key"));
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "http://127.0.0.1:3001"
    );

    let listed = app
        .http
        .get(format!("{}/products", app.url))
        .header("origin", "http://localhost:3002")
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed.headers()["access-control-allow-origin"],
        "http://localhost:3002"
    );

    // Any other site gets no CORS grant, so a browser keeps its pages out.
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(refused
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    let listed = app
        .http
        .get(format!("{}/products", app.url))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(listed
        .headers()
        .get("access-control-allow-origin")
        .is_none());
}
