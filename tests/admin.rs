//! The admin dashboard's endpoints: a product's admin view, a SKU's
//! inventory ledger, running the low-stock report on demand, and finding
//! orders by number or e-mail.

use serde_json::{json, Value};
use tests::{checkout_body_with, spawn_app, TestApp};

async fn adjust(app: &TestApp, sku: &str, delta: i64, reason: &str) {
    let r = app
        .post(
            &format!("/admin/products/{sku}/stock"),
            Some(&app.admin_token()),
            json!({"delta": delta, "reason": reason}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
}

fn deltas(page: &Value) -> Vec<(i64, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["delta"].as_i64().unwrap(),
                e["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_read_any_product_with_its_admin_fields_archived_ones_included() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    app.create_product("ARCHIVED-MUG", 1_400, 7).await;
    let r = app.get("/admin/products/ARCHIVED-MUG", Some(&admin)).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["onHand"], 7);
    assert_eq!(r.body["active"], true);
    assert_eq!(r.body["price"]["amount"], 1_400);

    let archived = app
        .send(
            "DELETE",
            "/admin/products/ARCHIVED-MUG",
            Some(&admin),
            &[],
            None,
        )
        .await;
    assert_eq!(archived.status, 200, "{archived:?}");
    // The storefront no longer finds it; the admin view still does.
    assert_eq!(app.get("/products/ARCHIVED-MUG", None).await.status, 404);
    let r = app.get("/admin/products/ARCHIVED-MUG", Some(&admin)).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["active"], false);
    assert_eq!(r.body["name"], "Product ARCHIVED-MUG");

    for path in [
        "/admin/products/NO-SUCH-SKU",
        "/admin/products/not%20a%20sku",
    ] {
        let r = app.get(path, Some(&admin)).await;
        assert_eq!(r.status, 404, "{path}: {r:?}");
        assert_eq!(r.body["error"]["code"], "not_found");
    }
    let alice = app.token("alice");
    assert_eq!(
        app.get("/admin/products/ARCHIVED-MUG", Some(&alice))
            .await
            .status,
        403
    );
    assert_eq!(
        app.get("/admin/products/ARCHIVED-MUG", None).await.status,
        401
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stock_ledger_lists_a_skus_movements_newest_first_a_page_at_a_time() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    app.create_product("LEDGER-TEE", 1_000, 5).await;
    adjust(&app, "LEDGER-TEE", -2, "damaged in the warehouse").await;
    adjust(&app, "LEDGER-TEE", 3, "purchase order PO-7").await;
    app.create_product("OTHER", 1_000, 1).await;
    app.create_product("NEVER-MOVED", 1_000, 0).await;

    let first = app
        .get("/admin/inventory/LEDGER-TEE/ledger?limit=2", Some(&admin))
        .await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(
        deltas(&first.body),
        [
            (3, "purchase order PO-7".into()),
            (-2, "damaged in the warehouse".into())
        ]
    );
    let entry = &first.body["items"][0];
    assert_eq!(entry["sku"], "LEDGER-TEE");
    assert_eq!(entry["actor"], "admin-1");
    let at = entry["at"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{at}");
    assert!(entry["entryId"].as_str().unwrap().starts_with(at));
    let cursor = first.body["nextCursor"].as_str().expect("a second page");
    let second = app
        .get(
            &format!("/admin/inventory/LEDGER-TEE/ledger?limit=2&cursor={cursor}"),
            Some(&admin),
        )
        .await;
    assert_eq!(second.status, 200, "{second:?}");
    assert_eq!(deltas(&second.body), [(5, "received".into())]);
    assert_eq!(second.body["nextCursor"], Value::Null);
    let all = app
        .get("/admin/inventory/LEDGER-TEE/ledger", Some(&admin))
        .await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 3);

    // A known SKU that never moved has an empty ledger; an unknown one is 404.
    let empty = app
        .get("/admin/inventory/NEVER-MOVED/ledger", Some(&admin))
        .await;
    assert_eq!(empty.status, 200, "{empty:?}");
    assert_eq!(empty.body, json!({"items": [], "nextCursor": null}));
    for sku in ["NO-SUCH-SKU", "not%20a%20sku"] {
        let r = app
            .get(&format!("/admin/inventory/{sku}/ledger"), Some(&admin))
            .await;
        assert_eq!(r.status, 404, "{sku}: {r:?}");
        assert_eq!(r.body["error"]["code"], "not_found");
    }

    // Bad paging, another SKU's cursor, and callers without the admin group.
    // A limit out of the schema's bounds is 400; a cursor the schema
    // cannot judge but this listing did not issue is 422.
    for (query, status, code) in [
        ("limit=0", 400, "invalid_limit"),
        ("limit=101", 400, "invalid_limit"),
        ("limit=ten", 400, "invalid_limit"),
        ("cursor=not-a-cursor", 422, "invalid_cursor"),
    ] {
        let r = app
            .get(
                &format!("/admin/inventory/LEDGER-TEE/ledger?{query}"),
                Some(&admin),
            )
            .await;
        assert_eq!(r.status, status, "{query}: {r:?}");
        assert_eq!(r.body["error"]["code"], code, "{query}");
    }
    let r = app
        .get(
            &format!("/admin/inventory/OTHER/ledger?cursor={cursor}"),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, 422, "{r:?}");
    assert_eq!(r.body["error"]["code"], "invalid_cursor");
    let r = app
        .get(
            "/admin/inventory/LEDGER-TEE/ledger",
            Some(&app.token("eve")),
        )
        .await;
    assert_eq!(r.status, 403, "{r:?}");
    let r = app.get("/admin/inventory/LEDGER-TEE/ledger", None).await;
    assert_eq!(r.status, 401, "{r:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn running_the_low_stock_report_now_keeps_and_emails_it_like_the_schedule() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    app.create_product("PLENTY", 1_000, 10).await;
    app.create_product("LOW", 1_000, 2).await;
    app.create_product("EMPTY", 1_000, 0).await;

    let r = app
        .send("POST", "/admin/reports/low-stock", Some(&admin), &[], None)
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let skus: Vec<&str> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["EMPTY", "LOW"]);
    assert_eq!(r.body["outOfStock"], 1);
    assert_eq!(r.body["windowDays"], 14);
    let admins = app.stack.app.config.admin_emails.clone();
    assert_eq!(r.body["emailedTo"], json!(admins));

    // Kept: it is now the newest report, in the same shape.
    let newest = app.get("/admin/reports/low-stock", Some(&admin)).await;
    assert_eq!(newest.status, 200, "{newest:?}");
    assert_eq!(newest.body, r.body);
    // E-mailed, as the schedule does.
    let emailed = app
        .sent_emails(&admins[0])
        .await
        .into_iter()
        .filter(|(s, _)| s == "Low-stock report: 2 SKU(s) low, 1 out of stock")
        .count();
    assert_eq!(emailed, 1);

    // Each run is a new report.
    adjust(&app, "LOW", 10, "received").await;
    let again = app
        .send("POST", "/admin/reports/low-stock", Some(&admin), &[], None)
        .await;
    assert_eq!(again.status, 200, "{again:?}");
    assert_ne!(again.body["generatedAt"], r.body["generatedAt"]);
    assert_eq!(again.body["items"].as_array().unwrap().len(), 1);

    let r = app
        .send(
            "POST",
            "/admin/reports/low-stock",
            Some(&app.token("eve")),
            &[],
            None,
        )
        .await;
    assert_eq!(r.status, 403, "{r:?}");
}

fn order_ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["orderId"].as_str().unwrap().to_string())
        .collect()
}

/// Places an order through checkout; returns its id and number.
async fn place(app: &TestApp, sub: &str, email: &str) -> (String, String) {
    let token = app.token(sub);
    let cart = app.cart_with(Some(&token), &[("FIND-MUG", 1)]).await;
    let r = app
        .checkout(
            &cart,
            &token,
            &format!("k-{cart}"),
            &checkout_body_with(email, "pm_card_visa", "62701"),
        )
        .await;
    assert_eq!(r.status, 202, "{r:?}");
    (
        r.body["orderId"].as_str().unwrap().to_string(),
        r.body["orderNumber"].as_str().unwrap().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_find_orders_by_order_number_or_by_email_in_any_case() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    app.create_product("FIND-MUG", 1_000, 20).await;
    let mut ada = Vec::new();
    for _ in 0..3 {
        ada.push(place(&app, "alice", "Ada.Lovelace@Example.COM").await);
    }
    let (bob_id, bob_number) = place(&app, "bob", "bob@example.com").await;
    // An older order of another address, placed in 2025.
    let old_id = uuid::Uuid::now_v7().to_string();
    app.pending_order_at(
        &old_id,
        "carol",
        &[("FIND-MUG", 1)],
        "2025-03-10T10:00:00.000Z",
    )
    .await;

    // By order number: exactly that order, whoever placed it.
    let r = app
        .get(
            &format!("/admin/orders?orderNumber={bob_number}"),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(order_ids(&r.body), [bob_id]);
    assert_eq!(r.body["items"][0]["orderNumber"], bob_number.as_str());
    assert_eq!(r.body["items"][0]["customerSub"], "bob");
    assert_eq!(r.body["nextCursor"], Value::Null);
    let r = app
        .get("/admin/orders?orderNumber=ORD-999998", Some(&admin))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body, json!({"items": [], "nextCursor": null}));

    // By e-mail, whatever its case, newest first, a page at a time.
    let newest_first: Vec<String> = ada.iter().rev().map(|(id, _)| id.clone()).collect();
    let first = app
        .get(
            "/admin/orders?email=ada.lovelace%40example.com&limit=2",
            Some(&admin),
        )
        .await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(order_ids(&first.body), newest_first[..2]);
    assert_eq!(
        first.body["items"][0]["customer"]["email"],
        "Ada.Lovelace@Example.COM"
    );
    let cursor = first.body["nextCursor"]
        .as_str()
        .expect("a second page")
        .to_string();
    let second = app
        .get(
            &format!("/admin/orders?email=ADA.LOVELACE%40EXAMPLE.COM&limit=2&cursor={cursor}"),
            Some(&admin),
        )
        .await;
    assert_eq!(second.status, 200, "{second:?}");
    assert_eq!(order_ids(&second.body), newest_first[2..]);
    assert_eq!(second.body["nextCursor"], Value::Null);

    // E-mail combines with the date range.
    let today = chrono::Utc::now().date_naive();
    let r = app
        .get(
            &format!("/admin/orders?email=ada.lovelace%40example.com&from={today}&to={today}"),
            Some(&admin),
        )
        .await;
    assert_eq!(order_ids(&r.body), newest_first);
    let r = app
        .get(
            "/admin/orders?email=ada.lovelace%40example.com&from=2001-01-01&to=2001-12-31",
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(order_ids(&r.body), Vec::<String>::new());
    let r = app
        .get(
            "/admin/orders?email=Ada%40example.com&to=2025-12-31",
            Some(&admin),
        )
        .await;
    assert_eq!(order_ids(&r.body), [old_id]);

    // What the indexes cannot serve is refused (422: each filter is well
    // formed), and so are bad values (400: the schema says so).
    for (query, status, code) in [
        (
            format!("orderNumber={bob_number}&status=PENDING"),
            422,
            "invalid_filter",
        ),
        (
            format!("orderNumber={bob_number}&email=bob%40example.com"),
            422,
            "invalid_filter",
        ),
        (
            format!("orderNumber={bob_number}&from={today}"),
            422,
            "invalid_filter",
        ),
        (
            format!("orderNumber={bob_number}&cursor={cursor}"),
            422,
            "invalid_cursor",
        ),
        ("orderNumber=42".to_string(), 400, "invalid_filter"),
        ("orderNumber=ord-000001".to_string(), 400, "invalid_filter"),
        (
            "email=bob%40example.com&status=PENDING".to_string(),
            422,
            "invalid_filter",
        ),
        ("email=not-an-address".to_string(), 400, "invalid_filter"),
        (
            "email=bob%40example.com&from=yesterday".to_string(),
            400,
            "invalid_date",
        ),
        // A cursor is only good for the listing that issued it.
        (
            format!("email=bob%40example.com&cursor={cursor}"),
            422,
            "invalid_cursor",
        ),
        (
            format!("status=PENDING&cursor={cursor}"),
            422,
            "invalid_cursor",
        ),
        (format!("cursor={cursor}"), 422, "invalid_cursor"),
    ] {
        let r = app
            .get(&format!("/admin/orders?{query}"), Some(&admin))
            .await;
        assert_eq!(r.status, status, "{query}: {r:?}");
        assert_eq!(r.body["error"]["code"], code, "{query}");
    }
    let r = app
        .get(
            &format!("/admin/orders?orderNumber={bob_number}"),
            Some(&app.token("bob")),
        )
        .await;
    assert_eq!(r.status, 403, "{r:?}");
}
