//! Low-stock alerts (once per crossing, also under concurrent sales) and
//! the scheduled low-stock report (fired locally, e-mailed and kept).

use std::time::Duration;

use serde_json::json;
use tests::{checkout_body_with, spawn_app, TestApp};

const ADMINS: &str = "ops@example.com";

async fn product(app: &TestApp, sku: &str, stock: i64, threshold: i64) {
    let admin = app.admin_token();
    let r = app
        .post(
            "/admin/products",
            Some(&admin),
            json!({"sku": sku, "name": format!("Product {sku}"), "price": {"amount": 1_000, "currency": "USD"},
                   "lowStockThreshold": threshold}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    if stock != 0 {
        receive(app, sku, stock).await;
    }
}

async fn receive(app: &TestApp, sku: &str, delta: i64) {
    let r = app
        .post(
            &format!("/admin/products/{sku}/stock"),
            Some(&app.admin_token()),
            json!({"delta": delta, "reason": "received"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
}

async fn sell(app: &TestApp, who: &str, sku: &str, quantity: i64) {
    let token = app.token(who);
    let cart = app.cart_with(Some(&token), &[(sku, quantity)]).await;
    let r = app
        .checkout(
            &cart,
            &token,
            "k",
            &checkout_body_with(&format!("{who}@example.com"), "pm_card_visa", "62701"),
        )
        .await;
    assert_eq!(r.status, 202, "{r:?}");
    let order = app
        .settled_order(r.body["orderId"].as_str().unwrap(), &token)
        .await;
    assert_eq!(order["status"], "SHIPPED", "{order}");
}

/// Alerts about `sku` the administrators got.
async fn alerts(app: &TestApp, sku: &str) -> usize {
    app.sent_emails(ADMINS)
        .await
        .iter()
        .filter(|(subject, _)| subject.starts_with(&format!("Low stock: {sku} ")))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crossing_the_threshold_alerts_once_until_stock_goes_back_above() {
    let app = spawn_app().await;
    let sku = format!("LAMP{}", std::process::id());
    product(&app, &sku, 10, 3).await;
    assert_eq!(alerts(&app, &sku).await, 0);

    sell(&app, "a", &sku, 4).await; // 6 left
    assert_eq!(alerts(&app, &sku).await, 0, "still above the threshold");
    sell(&app, "b", &sku, 3).await; // 3 left: at the threshold
    assert_eq!(alerts(&app, &sku).await, 1);
    sell(&app, "c", &sku, 1).await; // 2 left
    sell(&app, "d", &sku, 2).await; // 0 left
    assert_eq!(alerts(&app, &sku).await, 1, "no alert while it stays low");
    let listed = app
        .get("/admin/inventory?lowStock=true", Some(&app.admin_token()))
        .await;
    assert_eq!(listed.body["items"][0]["sku"], json!(sku));

    // Back above the threshold, then three concurrent sales cross it again:
    // one more alert, not three.
    receive(&app, &sku, 7).await; // 7
    assert_eq!(alerts(&app, &sku).await, 1);
    let sales = ["e", "f", "g"].map(|who| sell(&app, who, &sku, 2));
    futures::future::join_all(sales).await; // 1 left
    assert_eq!(app.stock(&sku).await, (1, 0, 1));
    let mut count = 0;
    for _ in 0..20 {
        count = alerts(&app, &sku).await;
        if count >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(count, 2);
    let (subject, body) = app
        .sent_emails(ADMINS)
        .await
        .into_iter()
        .find(|(s, _)| s.starts_with(&format!("Low stock: {sku} ")))
        .unwrap();
    assert!(subject.contains("available"), "{subject}");
    assert!(body.contains("threshold 3"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduled_report_lists_exactly_the_skus_at_or_below_threshold() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let r = app.get("/admin/reports/low-stock", Some(&admin)).await;
    assert_eq!(r.status, 404, "no report before the first run");

    product(&app, "PLENTY", 10, 2).await;
    product(&app, "ATLIMIT", 2, 2).await;
    product(&app, "NONE", 0, 1).await;
    product(&app, "ABOVE", 3, 2).await;
    product(&app, "SELLING", 5, 2).await;
    sell(&app, "a", "SELLING", 4).await; // 1 left, 4 sold in the window
    product(&app, "GONE", 0, 2).await;
    let r = app
        .send("DELETE", "/admin/products/GONE", Some(&admin), &[], None)
        .await;
    assert_eq!(r.status, 200, "{r:?}");

    // Fired the way the local runner fires the schedule (`make report`).
    let fired = app
        .http
        .post(format!("{}/local/jobs/low-stock-report", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(fired.status(), 200);

    let report = app.get("/admin/reports/low-stock", Some(&admin)).await;
    assert_eq!(report.status, 200, "{report:?}");
    let items = report.body["items"].as_array().unwrap();
    let skus: Vec<&str> = items.iter().map(|i| i["sku"].as_str().unwrap()).collect();
    assert_eq!(skus, vec!["ATLIMIT", "NONE", "SELLING"], "{report:?}");
    assert_eq!(report.body["outOfStock"], 1);
    let selling = &items[2];
    assert_eq!(selling["available"], 1);
    assert_eq!(selling["unitsSold"], 4);
    assert_eq!(selling["dailyVelocity"], 0.29);
    assert_eq!(selling["daysOfCover"], 3.5);
    assert!(items[1]["daysOfCover"].is_null());
    assert_eq!(items[1]["outOfStock"], true);
    assert_eq!(report.body["emailedTo"], json!([ADMINS]));
    assert_eq!(
        app.get("/admin/reports/low-stock", Some(&app.token("eve")))
            .await
            .status,
        403
    );

    let emailed = app
        .sent_emails(ADMINS)
        .await
        .into_iter()
        .find(|(s, _)| s == "Low-stock report: 3 SKU(s) low, 1 out of stock")
        .expect("the report is e-mailed");
    for sku in ["ATLIMIT", "NONE", "SELLING"] {
        assert!(emailed.1.contains(sku), "{sku} not in {}", emailed.1);
    }
    assert!(!emailed.1.contains("PLENTY"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_catalogs_low_products_are_in_the_report_from_the_start() {
    let app = spawn_app().await;
    local::seed::seed_demo_catalog(&app.stack.app)
        .await
        .expect("seeded");
    let admin = app.admin_token();
    let low = app
        .get("/admin/inventory?lowStock=true", Some(&admin))
        .await;
    assert_eq!(low.status, 200, "{:?}", low.body);
    let mut listed: Vec<String> = low.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sku"].as_str().unwrap().to_string())
        .collect();
    assert!(!listed.is_empty(), "the demo catalog opens some SKUs low");
    let report = app
        .post(
            "/admin/reports/low-stock",
            Some(&admin),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(report.status, 200, "{:?}", report.body);
    let mut reported: Vec<String> = report.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sku"].as_str().unwrap().to_string())
        .collect();
    listed.sort();
    reported.sort();
    assert_eq!(reported, listed);
}
