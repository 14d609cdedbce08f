//! Sales analytics: orders seeded over several weeks (some placed through
//! the store with earlier dates, some through the API and the workflow
//! today), counted by the stream consumer the local runner feeds, and the
//! three reports compared, in JSON and CSV, with figures this test computes
//! from its own seed; and orders charged shipping and tax, returned and
//! cancelled, whose shipping and tax collected and refunded the sales
//! report splits out.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use chrono::{Datelike, NaiveDate, Utc};
use serde_json::{json, Value};
use shared::domain::money::Money;
use shared::domain::order::{Order, PaymentRecord};
use tests::{checkout_body_with, spawn_app, TestApp};

const TEE: i64 = 2_500;
const MUG: i64 = 1_200;
const CAP: i64 = 1_800;

/// One paid order as this test knows it.
#[derive(Clone, Debug)]
struct Paid {
    day: NaiveDate,
    customer: &'static str,
    /// (sku, units, what was paid for them)
    lines: Vec<(&'static str, i64, i64)>,
    gross: i64,
    discount: i64,
    /// Shipping charged, without its tax.
    shipping: i64,
    tax: i64,
}

impl Paid {
    /// What was captured: prices in these tests exclude tax.
    fn revenue(&self) -> i64 {
        self.gross - self.discount + self.shipping + self.tax
    }
}

/// One refund as this test knows it: when, how much, and of that how much
/// shipping (without its tax) and tax.
#[derive(Clone, Copy, Debug)]
struct Refunded {
    day: NaiveDate,
    amount: i64,
    shipping: i64,
    tax: i64,
}

#[derive(Default)]
struct Seed {
    paid: Vec<Paid>,
    refunds: Vec<Refunded>,
    /// (day, sku, units)
    returned: Vec<(NaiveDate, &'static str, i64)>,
}

impl Seed {
    fn first_orders(&self) -> HashMap<&'static str, NaiveDate> {
        let mut first = HashMap::new();
        for p in &self.paid {
            let e = first.entry(p.customer).or_insert(p.day);
            *e = (*e).min(p.day);
        }
        first
    }
}

fn at(day: NaiveDate) -> String {
    format!("{day}T10:00:00.000Z")
}

fn price(sku: &str) -> i64 {
    match sku {
        "TEE" => TEE,
        "MUG" => MUG,
        _ => CAP,
    }
}

fn decimal(amount: i64) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", amount.abs() / 100, amount.abs() % 100)
}

/// A paid order written through the store with an earlier date.
async fn seed_paid(
    app: &TestApp,
    seed: &mut Seed,
    id: &str,
    customer: &'static str,
    lines: &[(&'static str, u32)],
    day: NaiveDate,
) -> (Order, PaymentRecord) {
    let now = at(day);
    let order = app.pending_order_at(id, customer, lines, &now).await;
    let store = app.store();
    store.reserve_stock(&order, &now).await.unwrap();
    let record = PaymentRecord::captured(
        "sandbox",
        format!("pay-{id}"),
        "card".into(),
        Some("visa".into()),
        Some("4242".into()),
        order.total.clone(),
        &now,
    );
    let order = store.record_charge(id, &record, &now).await.unwrap();
    let gross = lines
        .iter()
        .map(|(s, q)| price(s) * i64::from(*q))
        .sum::<i64>();
    seed.paid.push(Paid {
        day,
        customer,
        lines: lines
            .iter()
            .map(|(s, q)| (*s, i64::from(*q), price(s) * i64::from(*q)))
            .collect(),
        gross,
        discount: 0,
        shipping: 0,
        tax: 0,
    });
    (order, record)
}

fn period_of(granularity: &str, day: NaiveDate) -> (String, NaiveDate) {
    match granularity {
        "day" => (day.to_string(), day),
        "week" => {
            let w = day.iso_week();
            let monday =
                NaiveDate::from_isoywd_opt(w.year(), w.week(), chrono::Weekday::Mon).unwrap();
            (format!("{}-W{:02}", w.year(), w.week()), monday)
        }
        _ => (
            format!("{:04}-{:02}", day.year(), day.month()),
            NaiveDate::from_ymd_opt(day.year(), day.month(), 1).unwrap(),
        ),
    }
}

/// The periods of a sales report over `from..=to`, as this test expects
/// them: label, start, end and figures.
fn expected_sales(seed: &Seed, from: NaiveDate, to: NaiveDate, granularity: &str) -> Vec<Value> {
    let first = seed.first_orders();
    let mut periods: BTreeMap<NaiveDate, (String, NaiveDate, NaiveDate)> = BTreeMap::new();
    let mut day = from;
    while day <= to {
        let (label, start) = period_of(granularity, day);
        periods
            .entry(start)
            .and_modify(|p| p.2 = day)
            .or_insert((label, start.max(from), day));
        day = day.succ_opt().unwrap();
    }
    periods
        .into_iter()
        .map(|(key, (label, start, end))| {
            let inside = |d: NaiveDate| period_of(granularity, d).1 == key && d >= from && d <= to;
            let paid: Vec<&Paid> = seed.paid.iter().filter(|p| inside(p.day)).collect();
            let orders = paid.len() as i64;
            let revenue: i64 = paid.iter().map(|p| p.revenue()).sum();
            let shipping: i64 = paid.iter().map(|p| p.shipping).sum();
            let tax: i64 = paid.iter().map(|p| p.tax).sum();
            let refunded: Vec<&Refunded> = seed.refunds.iter().filter(|r| inside(r.day)).collect();
            let refunds: i64 = refunded.iter().map(|r| r.amount).sum();
            let shipping_refunded: i64 = refunded.iter().map(|r| r.shipping).sum();
            let tax_refunded: i64 = refunded.iter().map(|r| r.tax).sum();
            let customers: BTreeSet<&str> = paid.iter().map(|p| p.customer).collect();
            let new = customers.iter().filter(|c| first[*c] >= start).count() as i64;
            json!({
                "period": label,
                "start": start.to_string(),
                "end": end.to_string(),
                "orders": orders,
                "units": paid.iter().flat_map(|p| p.lines.iter().map(|l| l.1)).sum::<i64>(),
                "grossSales": paid.iter().map(|p| p.gross).sum::<i64>(),
                "discounts": paid.iter().map(|p| p.discount).sum::<i64>(),
                "revenue": revenue,
                // Goods after discounts: what this test's orders paid for
                // their lines (tax-exclusive prices).
                "goodsCollected": paid.iter().map(|p| p.gross - p.discount).sum::<i64>(),
                "shippingCollected": shipping,
                "taxCollected": tax,
                "refunds": refunds,
                "goodsRefunded": refunds - shipping_refunded - tax_refunded,
                "shippingRefunded": shipping_refunded,
                "taxRefunded": tax_refunded,
                "netRevenue": revenue - refunds,
                "averageOrderValue": if orders == 0 { 0 } else { (2 * revenue + orders) / (2 * orders) },
                "customers": customers.len() as i64,
                "newCustomers": new,
                "returningCustomers": customers.len() as i64 - new,
            })
        })
        .collect()
}

/// The money figures of a sales period, in the order of the CSV columns.
const MONEY_FIGURES: [&str; 12] = [
    "grossSales",
    "discounts",
    "revenue",
    "goodsCollected",
    "shippingCollected",
    "taxCollected",
    "refunds",
    "goodsRefunded",
    "shippingRefunded",
    "taxRefunded",
    "netRevenue",
    "averageOrderValue",
];

/// The sales CSV's header row.
const SALES_CSV_HEADER: [&str; 21] = [
    "period",
    "start",
    "end",
    "orders",
    "units",
    "gross_sales",
    "discounts",
    "revenue",
    "goods_collected",
    "shipping_collected",
    "tax_collected",
    "refunds",
    "goods_refunded",
    "shipping_refunded",
    "tax_refunded",
    "net_revenue",
    "average_order_value",
    "customers",
    "new_customers",
    "returning_customers",
    "currency",
];

/// A report period in the shape `expected_sales` uses (amounts in minor units).
fn sales_period(p: &Value) -> Value {
    let mut out = json!({});
    for k in [
        "period",
        "start",
        "end",
        "orders",
        "units",
        "customers",
        "newCustomers",
        "returningCustomers",
    ] {
        out[k] = p[k].clone();
    }
    for k in MONEY_FIGURES {
        assert_eq!(p[k]["currency"], "USD", "{p}");
        out[k] = p[k]["amount"].clone();
    }
    out
}

/// The same period as a CSV row.
fn sales_csv_row(e: &Value) -> Vec<String> {
    let s = |k: &str| {
        e[k].as_str()
            .map(str::to_string)
            .unwrap_or_else(|| e[k].to_string())
    };
    let mut row: Vec<String> = ["period", "start", "end", "orders", "units"]
        .into_iter()
        .map(s)
        .collect();
    row.extend(MONEY_FIGURES.map(|k| decimal(e[k].as_i64().unwrap())));
    row.extend(
        ["customers", "newCustomers", "returningCustomers"]
            .into_iter()
            .map(s),
    );
    row.push("USD".into());
    row
}

/// Per SKU: (units sold, revenue, units returned), over `from..=to`.
fn expected_products(
    seed: &Seed,
    from: NaiveDate,
    to: NaiveDate,
) -> BTreeMap<&'static str, (i64, i64, i64)> {
    let mut out: BTreeMap<&str, (i64, i64, i64)> = BTreeMap::new();
    for p in seed.paid.iter().filter(|p| p.day >= from && p.day <= to) {
        for (sku, units, paid) in &p.lines {
            let e = out.entry(sku).or_default();
            e.0 += units;
            e.1 += paid;
        }
    }
    for (day, sku, units) in &seed.returned {
        if *day >= from && *day <= to {
            out.entry(sku).or_default().2 += units;
        }
    }
    out
}

async fn get_report(app: &TestApp, path: &str, accept: &str) -> (u16, String, String) {
    let r = app
        .http
        .get(format!("{}{path}", app.url))
        .bearer_auth(app.admin_token())
        .header("accept", accept)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let content_type = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, content_type, r.text().await.unwrap())
}

async fn json_report(app: &TestApp, path: &str) -> Value {
    let (status, content_type, body) = get_report(app, path, "application/json").await;
    assert_eq!(status, 200, "{path}: {body}");
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    serde_json::from_str(&body).unwrap()
}

async fn csv_report(app: &TestApp, path: &str) -> Vec<Vec<String>> {
    let (status, content_type, body) = get_report(app, path, "text/csv").await;
    assert_eq!(status, 200, "{path}: {body}");
    assert_eq!(content_type, "text/csv; charset=utf-8");
    body.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// A paid order through the API and the workflow, today.
async fn checkout(
    app: &TestApp,
    customer: &str,
    lines: &[(&str, i64)],
    code: Option<&str>,
) -> String {
    let token = app.token(customer);
    let cart = app.cart_with(Some(&token), lines).await;
    if let Some(code) = code {
        let r = app.apply_promotion(&cart, Some(&token), code).await;
        assert_eq!(r.status, 200, "{r:?}");
    }
    let r = app
        .checkout(
            &cart,
            &token,
            &format!("k-{cart}"),
            &checkout_body_with(&format!("{customer}@example.com"), "pm_card_visa", "62701"),
        )
        .await;
    assert_eq!(r.status, 202, "{r:?}");
    let order_id = r.body["orderId"].as_str().unwrap().to_string();
    assert_eq!(
        app.settled_order(&order_id, &token).await["status"],
        "SHIPPED"
    );
    order_id
}

fn day_of(order: &Value, field: &str) -> NaiveDate {
    chrono::DateTime::parse_from_rfc3339(order[field].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
        .date_naive()
}

fn stream_record(sequence: &str, old: Option<&Order>, new: Value) -> EventRecord {
    let mut record: EventRecord = serde_json::from_value(json!({
        "eventID": format!("replay-{sequence}"),
        "eventName": if old.is_some() { "MODIFY" } else { "INSERT" },
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": { "SequenceNumber": sequence, "SizeBytes": 1, "StreamViewType": "NEW_AND_OLD_IMAGES" },
    }))
    .unwrap();
    record.change.new_image = serde_dynamo::to_item(new).unwrap();
    if let Some(old) = old {
        record.change.old_image = serde_dynamo::to_item(old).unwrap();
    }
    record
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_match_the_seeded_orders_in_json_and_csv() {
    let app = spawn_app().await;
    app.create_product("TEE", TEE, 50).await;
    app.create_product("MUG", MUG, 50).await;
    app.create_product("CAP", CAP, 50).await;
    let today = Utc::now().date_naive();
    let days_ago = |n: i64| today - chrono::Duration::days(n);
    let (d1, d2, d3, d4) = (days_ago(45), days_ago(20), days_ago(19), days_ago(3));
    let mut seed = Seed::default();

    // Earlier weeks, written through the store with their dates.
    let (o1_pending_to_paid, _) =
        seed_paid(&app, &mut seed, "o1", "alice", &[("TEE", 2)], d1).await;
    let (_, o2_payment) =
        seed_paid(&app, &mut seed, "o2", "bob", &[("MUG", 1), ("CAP", 1)], d2).await;
    // Part of o2 refunded from the gateway's dashboard the next day.
    let mut refunded = o2_payment.clone();
    refunded.refunded = Some(Money {
        amount: 1_200,
        currency: o2_payment.amount.currency.clone(),
    });
    app.store()
        .record_external_refund("o2", &refunded, &at(d3))
        .await
        .unwrap();
    seed.refunds.push(Refunded {
        day: d3,
        amount: 1_200,
        shipping: 0,
        tax: 0,
    });
    seed_paid(&app, &mut seed, "o3", "alice", &[("CAP", 3)], d3).await;
    // Declined and never-paid orders count for nothing.
    let declined = app
        .pending_order_at("o4", "carol", &[("TEE", 1)], &at(d3))
        .await;
    app.store().reserve_stock(&declined, &at(d3)).await.unwrap();
    app.store()
        .record_decline(
            "o4",
            &PaymentRecord::declined(
                "sandbox",
                None,
                declined.total.clone(),
                "card_declined".into(),
                &at(d3),
            ),
            &at(d3),
        )
        .await
        .unwrap();
    app.pending_order_at("o5", "dave", &[("MUG", 5)], &at(d4))
        .await;

    // Today, through the API: 10% off for bob, who then returns a tee.
    let r = app
        .post(
            "/admin/promotions",
            Some(&app.admin_token()),
            json!({"code": "TENOFF", "type": "PERCENTAGE", "percentOff": 10}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let o6 = checkout(&app, "bob", &[("TEE", 3), ("MUG", 1)], Some("TENOFF")).await;
    let o7 = checkout(&app, "carol", &[("MUG", 2)], None).await;
    let o8 = checkout(&app, "bob", &[("CAP", 1)], None).await;
    // 10% of 87.00, shared by the lines in proportion: 7.50 and 1.20.
    let o6_order = app.admin_order(&o6).await;
    assert_eq!(o6_order["total"]["amount"], 7_830);
    seed.paid.push(Paid {
        day: day_of(&o6_order, "createdAt"),
        customer: "bob",
        lines: vec![("TEE", 3, 7_500 - 750), ("MUG", 1, 1_200 - 120)],
        gross: 8_700,
        discount: 870,
        shipping: 0,
        tax: 0,
    });
    for (id, customer, lines) in [
        (&o7, "carol", vec![("MUG", 2, 2 * MUG)]),
        (&o8, "bob", vec![("CAP", 1, CAP)]),
    ] {
        let order = app.admin_order(id).await;
        let gross = lines.iter().map(|l| l.2).sum();
        seed.paid.push(Paid {
            day: day_of(&order, "createdAt"),
            customer,
            lines,
            gross,
            discount: 0,
            shipping: 0,
            tax: 0,
        });
    }
    app.deliver(&o6).await;
    let bob = app.token("bob");
    let r = app
        .post(
            &format!("/orders/{o6}/returns"),
            Some(&bob),
            json!({"lines": [{"sku": "TEE", "quantity": 1}], "reason": "too small"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let base = format!(
        "/admin/orders/{o6}/returns/{}",
        r.body["returnId"].as_str().unwrap()
    );
    let admin = app.admin_token();
    let r = app
        .post(&format!("{base}/approve"), Some(&admin), json!({}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = app
        .post(
            &format!("{base}/receive"),
            Some(&admin),
            json!({"lines": [{"sku": "TEE", "disposition": "RESTOCK"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["refund"]["amount"], 2_250, "one tee's paid share");
    let refund_day = day_of(&app.admin_order(&o6).await, "updatedAt");
    seed.refunds.push(Refunded {
        day: refund_day,
        amount: 2_250,
        shipping: 0,
        tax: 0,
    });
    seed.returned.push((refund_day, "TEE", 1));

    // The consumer catches up: wait for every sale and refund.
    let from = d1 - chrono::Duration::days(3);
    let all = format!("/admin/reports/sales?from={from}&to={today}&granularity=month");
    let want_orders = seed.paid.len() as i64;
    let want_refunds: i64 = seed.refunds.iter().map(|r| r.amount).sum();
    let mut caught_up = false;
    for _ in 0..300 {
        let r = json_report(&app, &all).await;
        if r["totals"]["orders"] == want_orders && r["totals"]["refunds"]["amount"] == want_refunds
        {
            caught_up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        caught_up,
        "the aggregates did not catch up: {}",
        json_report(&app, &all).await
    );

    // Sales, at every granularity, in JSON and CSV.
    for granularity in ["day", "week", "month"] {
        let path = format!("/admin/reports/sales?from={from}&to={today}&granularity={granularity}");
        let report = json_report(&app, &path).await;
        let want = expected_sales(&seed, from, today, granularity);
        let got: Vec<Value> = report["periods"]
            .as_array()
            .unwrap()
            .iter()
            .map(sales_period)
            .collect();
        assert_eq!(got, want, "{granularity}");
        assert_eq!(report["granularity"], granularity);
        assert_eq!(report["currency"], "USD");
        let totals = sales_period(&report["totals"]);
        for k in ["orders", "units"].into_iter().chain(
            MONEY_FIGURES
                .into_iter()
                .filter(|k| *k != "averageOrderValue"),
        ) {
            let sum: i64 = want.iter().map(|p| p[k].as_i64().unwrap()).sum();
            assert_eq!(totals[k], sum, "{granularity} total {k}");
        }
        let csv = csv_report(&app, &path).await;
        assert_eq!(csv[0], SALES_CSV_HEADER);
        assert_eq!(csv.len(), want.len() + 1, "{granularity}: a row per period");
        for (row, e) in csv[1..].iter().zip(&want) {
            assert_eq!(row, &sales_csv_row(e), "{granularity} CSV");
        }
    }
    // Over the whole range: three customers paid (dave never did; carol's
    // first try was declined), and all of them are new to it.
    let totals = json_report(&app, &all).await["totals"].clone();
    assert_eq!(totals["orders"], 6);
    assert_eq!(totals["customers"], 3);
    assert_eq!(totals["newCustomers"], 3);
    assert_eq!(
        totals["revenue"]["amount"],
        5_000 + 3_000 + 5_400 + 7_830 + 2_400 + 1_800
    );
    assert_eq!(totals["refunds"]["amount"], 1_200 + 2_250);
    assert_eq!(totals["discounts"]["amount"], 870);

    // Products: top sellers and most returned.
    let path = format!("/admin/reports/products?from={from}&to={today}");
    let report = json_report(&app, &path).await;
    let want = expected_products(&seed, from, today);
    let mut top: Vec<(&str, (i64, i64, i64))> = want.iter().map(|(k, v)| (*k, *v)).collect();
    top.sort_by(|a, b| (b.1 .0, b.1 .1, a.0).cmp(&(a.1 .0, a.1 .1, b.0)));
    let got: Vec<(String, i64, i64, i64)> = report["topSellers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["sku"].as_str().unwrap().to_string(),
                p["unitsSold"].as_i64().unwrap(),
                p["revenue"]["amount"].as_i64().unwrap(),
                p["unitsReturned"].as_i64().unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, i64, i64, i64)> = top
        .iter()
        .map(|(s, v)| (s.to_string(), v.0, v.1, v.2))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(report["topSellers"][0]["name"], "Product TEE");
    assert_eq!(report["mostReturned"].as_array().unwrap().len(), 1);
    assert_eq!(report["mostReturned"][0]["sku"], "TEE");
    assert_eq!(report["mostReturned"][0]["unitsReturned"], 1);
    let tee = want["TEE"];
    assert_eq!(
        report["mostReturned"][0]["returnRate"],
        json!(tee.2 as f64 / tee.0 as f64)
    );
    let csv = csv_report(&app, &path).await;
    assert_eq!(
        csv[0],
        [
            "list",
            "rank",
            "sku",
            "name",
            "units_sold",
            "revenue",
            "units_returned",
            "return_rate",
            "currency"
        ]
    );
    for (i, (sku, v)) in top.iter().enumerate() {
        assert_eq!(
            csv[i + 1],
            [
                "top_seller".to_string(),
                (i + 1).to_string(),
                sku.to_string(),
                format!("Product {sku}"),
                v.0.to_string(),
                decimal(v.1),
                v.2.to_string(),
                format!("{:.4}", v.2 as f64 / v.0 as f64),
                "USD".to_string(),
            ]
        );
    }
    assert_eq!(csv[top.len() + 1][0], "most_returned");
    assert_eq!(csv[top.len() + 1][2], "TEE");
    assert_eq!(csv.len(), top.len() + 2);
    // Only the earliest weeks: o1's tees, nothing returned then.
    let early = json_report(&app, &format!("/admin/reports/products?from={d1}&to={d1}")).await;
    assert_eq!(
        early["topSellers"],
        json!([{"sku": "TEE", "name": "Product TEE", "unitsSold": 2,
        "revenue": {"amount": 5_000, "currency": "USD"}, "unitsReturned": 0, "returnRate": 0.0}])
    );
    assert_eq!(early["mostReturned"], json!([]));

    // Customers from d2: alice ordered before it (returning, repeat); bob's
    // first order is in it and he ordered three times (new, repeat); carol
    // paid once (new).
    let path = format!("/admin/reports/customers?from={d2}&to={today}");
    let report = json_report(&app, &path).await;
    let first = seed.first_orders();
    let in_range: Vec<&Paid> = seed.paid.iter().filter(|p| p.day >= d2).collect();
    let customers: BTreeSet<&str> = in_range.iter().map(|p| p.customer).collect();
    let returning = customers.iter().filter(|c| first[*c] < d2).count() as i64;
    let repeat = customers
        .iter()
        .filter(|c| first[*c] < d2 || in_range.iter().filter(|p| p.customer == **c).count() > 1)
        .count() as i64;
    let orders = in_range.len() as i64;
    let revenue: i64 = in_range.iter().map(|p| p.revenue()).sum();
    let aov = (2 * revenue + orders) / (2 * orders);
    assert_eq!((customers.len(), returning, repeat), (3, 1, 2));
    assert_eq!(report["customers"], customers.len() as i64);
    assert_eq!(report["newCustomers"], customers.len() as i64 - returning);
    assert_eq!(report["returningCustomers"], returning);
    assert_eq!(report["repeatCustomers"], repeat);
    assert_eq!(report["repeatCustomerRate"], json!(0.6667));
    assert_eq!(report["orders"], orders);
    assert_eq!(report["revenue"]["amount"], revenue);
    assert_eq!(report["averageOrderValue"]["amount"], aov);
    assert_eq!(report["ordersPerCustomer"], json!(1.67));
    let csv = csv_report(&app, &path).await;
    assert_eq!(csv.len(), 2);
    assert_eq!(
        csv[1],
        [
            d2.to_string(),
            today.to_string(),
            "3".into(),
            "2".into(),
            "1".into(),
            "2".into(),
            "0.6667".into(),
            orders.to_string(),
            decimal(revenue),
            decimal(aov),
            "1.67".into(),
            "USD".to_string(),
        ]
    );

    // A stream record delivered again counts nothing twice.
    let before = json_report(&app, &all).await;
    let pending = app
        .pending_order_at("o9", "erin", &[("MUG", 1)], &at(d4))
        .await;
    let mut replay = Event::default();
    let mut o1_pending = o1_pending_to_paid.clone();
    o1_pending.payment_record = None;
    replay.records = vec![
        stream_record(
            "1",
            Some(&o1_pending),
            serde_json::to_value(&o1_pending_to_paid).unwrap(),
        ),
        // An unreadable image fails, and nothing after it is handled.
        stream_record("2", Some(&pending), json!({"orderId": "o9"})),
        stream_record("3", None, serde_json::to_value(&pending).unwrap()),
    ];
    let response = shared::analytics::handle(&app.stack.app, replay).await;
    let failed: Vec<_> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone().unwrap())
        .collect();
    assert_eq!(failed, ["2"]);
    assert_eq!(json_report(&app, &all).await, before);
}

/// The shop's Illinois rate, 7.25%, on an amount in minor units, rounded
/// half away from zero (amounts here are positive).
fn illinois_tax(amount: i64) -> i64 {
    (amount * 725 + 5_000) / 10_000
}

/// Places an order through the API with the cart's shipping address and
/// shipping option set, and returns its id without waiting for the
/// workflow.
async fn checkout_shipped_to_illinois(
    app: &TestApp,
    customer: &str,
    lines: &[(&str, i64)],
    code: Option<&str>,
    option_id: &str,
) -> String {
    let token = app.token(customer);
    let cart = app.cart_with(Some(&token), lines).await;
    let put = |path: String, body: Value| {
        let token = token.clone();
        async move {
            let r = app
                .send("PUT", &path, Some(&token), &[], Some(body.to_string()))
                .await;
            assert_eq!(r.status, 200, "PUT {path}: {r:?}");
            r
        }
    };
    if let Some(code) = code {
        put(format!("/carts/{cart}/promotion"), json!({ "code": code })).await;
    }
    let body = checkout_body_with(&format!("{customer}@example.com"), "pm_card_visa", "62701");
    put(
        format!("/carts/{cart}/shipping-address"),
        body["shippingAddress"].clone(),
    )
    .await;
    let priced = put(
        format!("/carts/{cart}/shipping-option"),
        json!({ "optionId": option_id }),
    )
    .await;
    assert_eq!(priced.body["shipping"]["amount"], 500, "{priced:?}");
    let r = app
        .checkout(&cart, &token, &format!("k-{cart}"), &body)
        .await;
    assert_eq!(r.status, 202, "{r:?}");
    r.body["orderId"].as_str().unwrap().to_string()
}

async fn wait_for_status(app: &TestApp, order_id: &str, status: &str) {
    for _ in 0..300 {
        if app.admin_order(order_id).await["status"] == status {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("order {order_id} never became {status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shipping_and_tax_collected_and_refunded_match_the_orders_in_json_and_csv() {
    let app = spawn_app().await;
    app.create_product("TEE", TEE, 50).await;
    app.create_product("MUG", MUG, 50).await;
    let admin = app.admin_token();
    let r = app
        .post(
            "/admin/shipping-options",
            Some(&admin),
            json!({"name": "Standard", "carrierService": "Ground", "countries": ["US"],
                   "rate": {"type": "FLAT", "amount": {"amount": 500, "currency": "USD"}}}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let option_id = r.body["optionId"].as_str().unwrap().to_string();
    let r = app
        .send(
            "PUT",
            "/admin/tax-rates/US-IL",
            Some(&admin),
            &[],
            Some(json!({"name": "Illinois", "percent": "7.25", "shippingTaxed": true}).to_string()),
        )
        .await;
    assert!(r.status == 201 || r.status == 200, "{r:?}");
    let r = app
        .post(
            "/admin/promotions",
            Some(&admin),
            json!({"code": "TENOFF", "type": "PERCENTAGE", "percentOff": 10}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let shipping = 500;
    let shipping_tax = illinois_tax(shipping);
    let mut seed = Seed::default();

    // Alice: three tees and a mug, 10% off (7.50 and 1.20 of the 8.70),
    // each line taxed after its discount, and the shipping taxed too.
    let alice = checkout_shipped_to_illinois(
        &app,
        "alice",
        &[("TEE", 3), ("MUG", 1)],
        Some("TENOFF"),
        &option_id,
    )
    .await;
    let (tee_paid, mug_paid) = (3 * TEE - 750, MUG - 120);
    let tee_tax = illinois_tax(tee_paid);
    let alice_tax = tee_tax + illinois_tax(mug_paid) + shipping_tax;
    let order = app.settled_order(&alice, &app.token("alice")).await;
    assert_eq!(order["status"], "SHIPPED");
    let order = app.admin_order(&alice).await;
    assert_eq!(order["tax"]["amount"], alice_tax, "{order}");
    assert_eq!(
        order["total"]["amount"],
        tee_paid + mug_paid + shipping + alice_tax
    );
    seed.paid.push(Paid {
        day: day_of(&order, "createdAt"),
        customer: "alice",
        lines: vec![("TEE", 3, tee_paid), ("MUG", 1, mug_paid)],
        gross: 3 * TEE + MUG,
        discount: 870,
        shipping,
        tax: alice_tax,
    });

    // Bob: two mugs, paid, then cancelled before they ship (the fulfilment
    // worker is held): the workflow refunds everything.
    let held = app
        .post("/local/workers/fulfil-order/pause", None, json!({}))
        .await;
    assert_eq!(held.status, 200, "{held:?}");
    let bob = checkout_shipped_to_illinois(&app, "bob", &[("MUG", 2)], None, &option_id).await;
    wait_for_status(&app, &bob, "PAID").await;
    let r = app
        .post(
            &format!("/orders/{bob}/cancel"),
            Some(&app.token("bob")),
            json!({"reason": "changed my mind"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["status"], "CANCELLED");
    app.post("/local/workers/fulfil-order/resume", None, json!({}))
        .await;
    let order = app.settled_order(&bob, &app.token("bob")).await;
    assert_eq!(order["status"], "CANCELLED");
    let order = app.admin_order(&bob).await;
    let bob_tax = illinois_tax(2 * MUG) + shipping_tax;
    let bob_total = 2 * MUG + shipping + bob_tax;
    assert_eq!(order["total"]["amount"], bob_total, "{order}");
    assert_eq!(order["payment"]["status"], "REFUNDED", "{order}");
    seed.paid.push(Paid {
        day: day_of(&order, "createdAt"),
        customer: "bob",
        lines: vec![("MUG", 2, 2 * MUG)],
        gross: 2 * MUG,
        discount: 0,
        shipping,
        tax: bob_tax,
    });
    seed.refunds.push(Refunded {
        day: day_of(&order, "updatedAt"),
        amount: bob_total,
        shipping,
        tax: bob_tax,
    });

    // Alice returns one tee and is refunded its share with the shipping:
    // a third of the tee line and of its tax, and the shipping with its tax.
    app.deliver(&alice).await;
    let r = app
        .post(
            &format!("/orders/{alice}/returns"),
            Some(&app.token("alice")),
            json!({"lines": [{"sku": "TEE", "quantity": 1}], "reason": "too small"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let base = format!(
        "/admin/orders/{alice}/returns/{}",
        r.body["returnId"].as_str().unwrap()
    );
    let r = app
        .post(&format!("{base}/approve"), Some(&admin), json!({}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = app
        .post(
            &format!("{base}/receive"),
            Some(&admin),
            json!({"lines": [{"sku": "TEE", "disposition": "RESTOCK"}], "refundShipping": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let returned_tax = tee_tax / 3 + shipping_tax;
    let returned = (tee_paid + tee_tax) / 3 + shipping + shipping_tax;
    assert_eq!(r.body["refund"]["amount"], returned, "{r:?}");
    seed.refunds.push(Refunded {
        day: day_of(&app.admin_order(&alice).await, "updatedAt"),
        amount: returned,
        shipping,
        tax: returned_tax,
    });

    // The consumer catches up.
    let today = Utc::now().date_naive();
    let from = today - chrono::Duration::days(1);
    let path = format!("/admin/reports/sales?from={from}&to={today}&granularity=day");
    let want_refunds: i64 = seed.refunds.iter().map(|r| r.amount).sum();
    let mut report = json_report(&app, &path).await;
    for _ in 0..300 {
        if report["totals"]["orders"] == 2 && report["totals"]["refunds"]["amount"] == want_refunds
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        report = json_report(&app, &path).await;
    }

    let want = expected_sales(&seed, from, today, "day");
    let got: Vec<Value> = report["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(sales_period)
        .collect();
    assert_eq!(got, want);
    let totals = sales_period(&report["totals"]);
    assert_eq!(
        [
            "revenue",
            "goodsCollected",
            "shippingCollected",
            "taxCollected",
            "refunds",
            "goodsRefunded",
            "shippingRefunded",
            "taxRefunded",
        ]
        .map(|k| totals[k].as_i64().unwrap()),
        [
            tee_paid + mug_paid + 2 * MUG + 2 * shipping + alice_tax + bob_tax,
            tee_paid + mug_paid + 2 * MUG,
            2 * shipping,
            alice_tax + bob_tax,
            returned + bob_total,
            tee_paid / 3 + 2 * MUG,
            2 * shipping,
            returned_tax + bob_tax,
        ],
        "{report}"
    );
    // The parts add up: goods after discounts, shipping and tax make the
    // revenue, and the refunds.
    let n = |k: &str| totals[k].as_i64().unwrap();
    assert_eq!(
        n("goodsCollected"),
        n("grossSales") - n("discounts"),
        "prices exclude tax"
    );
    assert_eq!(
        n("revenue"),
        n("goodsCollected") + n("shippingCollected") + n("taxCollected")
    );
    assert_eq!(
        n("refunds"),
        n("goodsRefunded") + n("shippingRefunded") + n("taxRefunded")
    );

    let csv = csv_report(&app, &path).await;
    assert_eq!(csv[0], SALES_CSV_HEADER);
    assert_eq!(csv.len(), want.len() + 1, "a row per day");
    for (row, e) in csv[1..].iter().zip(&want) {
        assert_eq!(row, &sales_csv_row(e));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_refuse_bad_ranges_and_non_admins() {
    let app = spawn_app().await;
    // A value that breaks the schema is 400; well-formed dates out of order
    // or too far apart are 422 `invalid_range`.
    for (query, status, code) in [
        ("granularity=year", 400, "invalid_field"),
        ("from=2026-13-01", 400, "invalid_field"),
        ("from=2026-02-10&to=2026-02-01", 422, "invalid_range"),
        ("from=2024-01-01&to=2026-01-01", 422, "invalid_range"),
    ] {
        let r = app
            .get(
                &format!("/admin/reports/sales?{query}"),
                Some(&app.admin_token()),
            )
            .await;
        assert_eq!(r.status, status, "{query}: {r:?}");
        assert_eq!(r.body["error"]["code"], code, "{query}");
    }
    let r = app
        .get("/admin/reports/products?limit=0", Some(&app.admin_token()))
        .await;
    assert_eq!(r.status, 400, "{r:?}");
    for path in [
        "/admin/reports/sales",
        "/admin/reports/products",
        "/admin/reports/customers",
    ] {
        let r = app.get(path, Some(&app.token("alice"))).await;
        assert_eq!(r.status, 403, "{path}: {r:?}");
        let r = app.get(path, None).await;
        assert_eq!(r.status, 401, "{path}: {r:?}");
        let (status, _, body) = get_report(&app, path, "application/xml").await;
        assert_eq!(status, 406, "{path}: {body}");
        // No orders yet: a zero report for the last 30 days, not an error.
        let (status, content_type, _) =
            get_report(&app, path, "text/csv;q=0.9, application/json").await;
        assert_eq!(
            (status, content_type.as_str()),
            (200, "application/json"),
            "{path}"
        );
    }
    let r = app
        .get("/admin/reports/sales", Some(&app.admin_token()))
        .await;
    assert_eq!(r.body["periods"].as_array().unwrap().len(), 30);
    assert_eq!(r.body["totals"]["orders"], 0);
    assert_eq!(r.body["totals"]["averageOrderValue"]["amount"], 0);
}

/// Lambda may count two orders of one customer at once (their records sit
/// on different shards) and may deliver one record twice at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_facts_of_one_customer_count_once_each_and_keep_the_first_order_day() {
    use shared::domain::analytics::{DateRange, Fact, FactKind, Sale, SaleLine};
    let app = spawn_app().await;
    let base = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let sale = |i: i64| Fact {
        order_id: format!("c{i}"),
        key: "sale".into(),
        kind: FactKind::Sale(Sale {
            day: base + chrono::Duration::days(i),
            customer: "zoe".into(),
            units: 1,
            gross: 1_000,
            discount: 0,
            revenue: 1_000,
            shipping: 0,
            tax: 0,
            lines: vec![SaleLine {
                sku: "TEE".into(),
                name: "Tee".into(),
                units: 1,
                revenue: 1_000,
            }],
        }),
    };
    // Twenty different orders, the earliest neither first nor last, all at
    // once; and each of them delivered twice at once.
    let store = app.store();
    let facts: Vec<Fact> = (7..20)
        .chain(0..7)
        .flat_map(|i| [sale(i), sale(i)])
        .collect();
    let counted = futures::future::join_all(facts.iter().map(|f| store.record_fact(f))).await;
    let counted: Vec<bool> = counted.into_iter().map(Result::unwrap).collect();
    assert_eq!(counted.iter().filter(|c| **c).count(), 20, "{counted:?}");
    for pair in counted.chunks(2) {
        assert_eq!(pair.iter().filter(|c| **c).count(), 1, "one of each pair");
    }
    let first = store.first_order_days(["zoe"]).await.unwrap();
    assert_eq!(first["zoe"], base);
    let range = DateRange {
        from: base,
        to: base + chrono::Duration::days(19),
    };
    let days = store.sales_days(range).await.unwrap();
    assert_eq!(days.iter().map(|d| d.orders).sum::<i64>(), 20);
    let report = json_report(
        &app,
        &format!(
            "/admin/reports/customers?from={}&to={}",
            range.from, range.to
        ),
    )
    .await;
    assert_eq!(
        (
            report["customers"].as_i64(),
            report["newCustomers"].as_i64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(report["repeatCustomerRate"], json!(1.0));
    let later = json_report(
        &app,
        &format!(
            "/admin/reports/customers?from={}&to={}",
            range.from + chrono::Duration::days(1),
            range.to
        ),
    )
    .await;
    assert_eq!(
        later["returningCustomers"], 1,
        "zoe ordered before that range"
    );
}
