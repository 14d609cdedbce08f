//! What a real shop charges: shipping options priced by weight and free
//! above a threshold, tax per line and on shipping, totals that agree to
//! the cent between the cart, the order, the charge, the e-mail and the
//! refunds, and a price change refused rather than charged.
//!
//! The expected figures are computed here, independently of the service's
//! pricing module, from the rules in docs/pricing.md.

use serde_json::{json, Value};
use shared::domain::settings::{FulfilmentMode, ShopSettings};
use shared::payments::sandbox::Operation;
use tests::{checkout_body, spawn_app, TestApp};

/// `amount × rate`, rate in parts per million, rounded half up (amounts
/// here are never negative).
fn tax_exclusive(amount: i64, ppm: i64) -> i64 {
    (amount * ppm + 500_000) / 1_000_000
}

/// The tax inside a tax-inclusive `amount`: `amount × r / (1 + r)`,
/// rounded half up.
fn tax_inclusive(amount: i64, ppm: i64) -> i64 {
    let denominator = 1_000_000 + ppm;
    (2 * amount * ppm + denominator) / (2 * denominator)
}

fn usd(amount: i64) -> Value {
    json!({"amount": amount, "currency": "USD"})
}

async fn product(app: &TestApp, sku: &str, price: i64, grams: i64) {
    let admin = app.admin_token();
    let r = app
        .post(
            "/admin/products",
            Some(&admin),
            json!({"sku": sku, "name": format!("Product {sku}"), "price": usd(price),
                   "weightGrams": grams, "lowStockThreshold": 0}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let r = app
        .post(
            &format!("/admin/products/{sku}/stock"),
            Some(&admin),
            json!({"delta": 50, "reason": "received"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
}

async fn option(app: &TestApp, body: Value) -> String {
    let r = app
        .post("/admin/shipping-options", Some(&app.admin_token()), body)
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body["optionId"].as_str().unwrap().to_string()
}

/// Standard: US and Canada, 5.00 up to 1 kg, 9.00 up to 5 kg, free from 100.00.
fn standard() -> Value {
    json!({"name": "Standard", "carrierService": "Ground", "countries": ["US", "CA"],
           "rate": {"type": "WEIGHT_BANDS", "bands": [
               {"minGrams": 0, "maxGrams": 1000, "amount": usd(500)},
               {"minGrams": 1000, "maxGrams": 5000, "amount": usd(900)}]},
           "freeAbove": usd(10_000)})
}

async fn rate(app: &TestApp, id: &str, percent: &str, shipping: bool) {
    let r = app
        .send(
            "PUT",
            &format!("/admin/tax-rates/{id}"),
            Some(&app.admin_token()),
            &[],
            Some(
                json!({"name": format!("{id} tax"), "percent": percent, "shippingTaxed": shipping})
                    .to_string(),
            ),
        )
        .await;
    assert!(r.status == 201 || r.status == 200, "{r:?}");
}

/// The promotion code TENOFF: 10 % off everything.
async fn ten_percent_off(app: &TestApp) {
    let r = app
        .post(
            "/admin/promotions",
            Some(&app.admin_token()),
            json!({"code": "TENOFF", "type": "PERCENTAGE", "percentOff": 10}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
}

/// Waits until an order is PAID (its fulfilment paused, it stays there).
async fn wait_for_paid(app: &TestApp, order_id: &str) {
    for _ in 0..600 {
        if app.admin_order(order_id).await["status"] == "PAID" {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("order {order_id} never became PAID");
}

fn illinois() -> Value {
    json!({"line1": "1 Main St", "line2": null, "city": "Springfield", "region": "IL",
           "postalCode": "62701", "country": "US"})
}

async fn put(app: &TestApp, path: &str, token: Option<&str>, body: Value) -> tests::Reply {
    app.send("PUT", path, token, &[], Some(body.to_string()))
        .await
}

async fn ship_to(app: &TestApp, cart: &str, token: Option<&str>, address: Value) -> Value {
    let r = put(
        app,
        &format!("/carts/{cart}/shipping-address"),
        token,
        address,
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body
}

async fn choose(app: &TestApp, cart: &str, token: Option<&str>, option_id: &str) -> Value {
    let r = put(
        app,
        &format!("/carts/{cart}/shipping-option"),
        token,
        json!({"optionId": option_id}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body
}

fn names_and_prices(cart: &Value) -> Vec<(String, i64)> {
    cart["shippingOptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["name"].as_str().unwrap().to_string(),
                o["price"]["amount"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cart_lists_the_options_that_serve_it_priced_by_weight_and_free_above_the_threshold() {
    let app = spawn_app().await;
    // 3 products, 2.4 kg together.
    product(&app, "BOOK", 1_000, 800).await;
    product(&app, "LAMP", 2_000, 1_000).await;
    product(&app, "VASE", 1_500, 600).await;
    product(&app, "PEN", 8_000, 100).await;
    option(&app, standard()).await;
    option(
        &app,
        json!({"name": "Express", "carrierService": "Express Air", "countries": ["US"],
               "rate": {"type": "FLAT", "amount": usd(1_900)}}),
    )
    .await;
    // None of these serve a 2.4 kg parcel to Illinois.
    option(
        &app,
        json!({"name": "Canada Post", "carrierService": "Regular", "countries": ["CA"],
               "rate": {"type": "FLAT", "amount": usd(700)}}),
    )
    .await;
    option(
        &app,
        json!({"name": "Freight", "carrierService": "LTL", "countries": ["US"],
               "rate": {"type": "WEIGHT_BANDS", "bands": [
                   {"minGrams": 5000, "maxGrams": 30000, "amount": usd(4_000)}]}}),
    )
    .await;
    option(
        &app,
        json!({"name": "Island", "carrierService": "Air", "countries": ["US"], "regions": ["US-HI"],
               "rate": {"type": "FLAT", "amount": usd(2_500)}}),
    )
    .await;
    let old = option(
        &app,
        json!({"name": "Old", "carrierService": "Ground", "countries": ["US"],
               "rate": {"type": "FLAT", "amount": usd(100)}}),
    )
    .await;
    let r = app
        .send(
            "DELETE",
            &format!("/admin/shipping-options/{old}"),
            Some(&app.admin_token()),
            &[],
            None,
        )
        .await;
    assert_eq!((r.status, &r.body["active"]), (200, &json!(false)), "{r:?}");

    let cart = app
        .cart_with(None, &[("BOOK", 1), ("LAMP", 1), ("VASE", 1)])
        .await;
    let view = app.get(&format!("/carts/{cart}"), None).await.body;
    assert_eq!(view["shippingOptions"], json!([]), "no address, no options");
    let view = ship_to(&app, &cart, None, illinois()).await;
    assert_eq!(
        names_and_prices(&view),
        vec![
            ("Standard".to_string(), 900),
            ("Express".to_string(), 1_900)
        ]
    );
    // Hawaii also gets the Island option.
    let mut hawaii = illinois();
    hawaii["region"] = json!("hi");
    let view = ship_to(&app, &cart, None, hawaii).await;
    assert_eq!(
        names_and_prices(&view),
        vec![
            ("Standard".to_string(), 900),
            ("Express".to_string(), 1_900),
            ("Island".to_string(), 2_500)
        ]
    );
    // Canada: Standard by weight and Canada Post.
    let mut canada = illinois();
    canada["country"] = json!("CA");
    canada["region"] = json!("ON");
    let view = ship_to(&app, &cart, None, canada).await;
    assert_eq!(
        names_and_prices(&view),
        vec![
            ("Canada Post".to_string(), 700),
            ("Standard".to_string(), 900)
        ]
    );

    // Above 100.00 of goods Standard is free; Express is not.
    let view = ship_to(&app, &cart, None, illinois()).await;
    let standard_id = view["shippingOptions"][0]["optionId"]
        .as_str()
        .unwrap()
        .to_string();
    let view = choose(&app, &cart, None, &standard_id).await;
    assert_eq!(view["shipping"]["amount"], 900);
    let r = app
        .post(
            &format!("/carts/{cart}/items"),
            None,
            json!({"sku": "PEN", "quantity": 1}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["subtotal"]["amount"], 12_500);
    assert_eq!(
        names_and_prices(&r.body),
        vec![("Standard".to_string(), 0), ("Express".to_string(), 1_900)]
    );
    assert_eq!(r.body["shippingOption"]["price"]["amount"], 0);
    assert_eq!(r.body["shipping"]["amount"], 0);
    assert_eq!(
        r.body["total"]["amount"], 12_500,
        "no tax rate for Illinois"
    );

    // An option that does not serve the cart cannot be chosen.
    let r = put(
        &app,
        &format!("/carts/{cart}/shipping-option"),
        None,
        json!({"optionId": old}),
    )
    .await;
    assert_eq!(r.status, 422, "{r:?}");
    assert_eq!(r.body["error"]["code"], "shipping_option_unavailable");
}

/// The figures of one order, computed independently.
struct Expected {
    subtotal: i64,
    discount: i64,
    shipping: i64,
    tax: i64,
    total: i64,
}

async fn priced_checkout_agrees_everywhere(prices_include_tax: bool) {
    let app = spawn_app().await;
    if prices_include_tax {
        let current = app
            .store()
            .get_settings(FulfilmentMode::Automatic)
            .await
            .unwrap();
        let mut settings = ShopSettings::defaults(FulfilmentMode::Automatic);
        settings.prices_include_tax = true;
        app.store()
            .save_settings(&settings, current.version)
            .await
            .unwrap();
    }
    product(&app, "BOOK", 1_000, 800).await;
    product(&app, "LAMP", 2_000, 1_000).await;
    product(&app, "VASE", 1_500, 600).await;
    let standard_id = option(&app, standard()).await;
    rate(&app, "US-IL", "7.25", true).await;
    rate(&app, "US", "4", false).await;
    ten_percent_off(&app).await;

    let alice = app.token("alice");
    let cart = app
        .cart_with(Some(&alice), &[("BOOK", 1), ("LAMP", 1), ("VASE", 1)])
        .await;
    let r = put(
        &app,
        &format!("/carts/{cart}/promotion"),
        Some(&alice),
        json!({"code": "TENOFF"}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    ship_to(&app, &cart, Some(&alice), illinois()).await;
    let view = choose(&app, &cart, Some(&alice), &standard_id).await;

    // Independently: 10 % off each line, 7.25 % (72 500 ppm) on each
    // discounted line and on the 9.00 of shipping (2.4 kg).
    let lines = [1_000i64, 2_000, 1_500];
    let discounts: Vec<i64> = lines.iter().map(|l| l / 10).collect();
    let taxable: Vec<i64> = lines.iter().zip(&discounts).map(|(l, d)| l - d).collect();
    let tax_of = |amount: i64| {
        if prices_include_tax {
            tax_inclusive(amount, 72_500)
        } else {
            tax_exclusive(amount, 72_500)
        }
    };
    let line_taxes: Vec<i64> = taxable.iter().map(|&a| tax_of(a)).collect();
    let shipping = 900;
    let tax = line_taxes.iter().sum::<i64>() + tax_of(shipping);
    let goods = taxable.iter().sum::<i64>();
    let expected = Expected {
        subtotal: 4_500,
        discount: 450,
        shipping,
        tax,
        total: goods + shipping + if prices_include_tax { 0 } else { tax },
    };
    if prices_include_tax {
        assert_eq!((tax, expected.total), (61 + 122 + 91 + 61, 4_950));
    } else {
        assert_eq!((tax, expected.total), (65 + 131 + 98 + 65, 5_309));
    }
    let check = |what: &str, v: &Value| {
        assert_eq!(v["subtotal"]["amount"], expected.subtotal, "{what}: {v}");
        assert_eq!(v["discount"]["amount"], expected.discount, "{what}: {v}");
        assert_eq!(v["shipping"]["amount"], expected.shipping, "{what}: {v}");
        assert_eq!(v["tax"]["amount"], expected.tax, "{what}: {v}");
        assert_eq!(v["total"]["amount"], expected.total, "{what}: {v}");
        assert_eq!(v["taxIncluded"], prices_include_tax, "{what}: {v}");
    };
    check("cart", &view);
    for (line, tax) in view["lines"].as_array().unwrap().iter().zip(&line_taxes) {
        assert_eq!(line["tax"]["amount"], *tax, "{line}");
    }

    // The body's address is the cart's; the checkout states the total shown.
    let mut body = checkout_body("Ada Lovelace");
    body["customer"]["email"] = json!("ada.pricing@example.com");
    body.as_object_mut().unwrap().remove("shippingAddress");
    body["expectedTotal"] = usd(expected.total);
    let r = app.checkout(&cart, &alice, "price-1", &body).await;
    assert_eq!(r.status, 202, "{r:?}");
    check("checkout", &r.body);
    let order_id = r.body["orderId"].as_str().unwrap().to_string();
    let order = app.settled_order(&order_id, &alice).await;
    assert_eq!(order["status"], "SHIPPED", "{order}");
    check("order", &order);
    assert_eq!(order["shippingOption"]["name"], "Standard");
    assert_eq!(order["shippingOption"]["carrierService"], "Ground");
    assert_eq!(order["shippingOption"]["price"]["amount"], shipping);
    assert_eq!(order["shippingOption"]["tax"]["amount"], tax_of(shipping));
    for (line, tax) in order["lines"].as_array().unwrap().iter().zip(&line_taxes) {
        assert_eq!(line["tax"]["amount"], *tax, "{line}");
    }
    let admin = app.admin_order(&order_id).await;
    check("admin order", &admin);

    // The charge is the total.
    let charges: Vec<i64> = app
        .stack
        .payments
        .operations()
        .into_iter()
        .filter_map(|op| match op {
            Operation::Charge { amount, .. } => Some(amount.amount),
            _ => None,
        })
        .collect();
    assert_eq!(charges, vec![expected.total]);

    // The confirmation e-mail shows the same figures.
    let mails = app.sent_emails("ada.pricing@example.com").await;
    let (_, confirmation) = mails
        .iter()
        .find(|(subject, _)| subject.contains("Thank you") || subject.contains("confirmed"))
        .unwrap_or_else(|| panic!("a confirmation e-mail among {mails:?}"));
    // What a reader sees of the HTML: text between the tags.
    let mut text = String::new();
    let mut in_tag = false;
    for c in confirmation.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let confirmation = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let money = |a: i64| format!("{}.{:02} USD", a / 100, a % 100);
    for needle in [
        format!("Subtotal {}", money(expected.subtotal)),
        format!("Discount (TENOFF) -{}", money(expected.discount)),
        format!("Shipping: Standard (Ground) {}", money(expected.shipping)),
        format!(
            "{} {}",
            if prices_include_tax {
                "Tax included"
            } else {
                "Tax"
            },
            money(expected.tax)
        ),
        format!("Total {}", money(expected.total)),
    ] {
        assert!(
            confirmation.contains(&needle),
            "{needle:?} in the confirmation e-mail:\n{confirmation}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cart_order_charge_and_email_agree_to_the_cent_with_tax_exclusive_prices() {
    priced_checkout_agrees_everywhere(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cart_order_charge_and_email_agree_to_the_cent_with_tax_inclusive_prices() {
    priced_checkout_agrees_everywhere(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shipping_price_changed_after_the_cart_was_shown_is_refused_and_nothing_is_charged() {
    let app = spawn_app().await;
    product(&app, "BOOK", 1_000, 800).await;
    let standard_id = option(&app, standard()).await;
    let alice = app.token("alice");
    let cart = app.cart_with(Some(&alice), &[("BOOK", 2)]).await;
    ship_to(&app, &cart, Some(&alice), illinois()).await;
    let shown = choose(&app, &cart, Some(&alice), &standard_id).await;
    assert_eq!(shown["shipping"]["amount"], 900);

    // The shop raises the price while the customer looks at the cart.
    let mut dearer = standard();
    dearer["rate"]["bands"][1]["amount"] = usd(1_200);
    let r = put(
        &app,
        &format!("/admin/shipping-options/{standard_id}"),
        Some(&app.admin_token()),
        dearer,
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");

    let r = app
        .checkout(&cart, &alice, "changed-1", &checkout_body("Ada Lovelace"))
        .await;
    assert_eq!(r.status, 409, "{r:?}");
    assert_eq!(r.body["error"]["code"], "shipping_price_changed");
    assert_eq!(r.body["error"]["details"]["shown"]["amount"], 900);
    assert_eq!(r.body["error"]["details"]["price"]["amount"], 1_200);
    assert!(
        app.stack.payments.operations().is_empty(),
        "nothing charged"
    );
    let orders = app.get("/orders", Some(&alice)).await;
    assert_eq!(orders.body["items"], json!([]), "no order written");
    let view = app.get(&format!("/carts/{cart}"), Some(&alice)).await;
    assert_eq!(view.body["status"], "OPEN");

    // A total other than the one shown is refused too.
    let again = choose(&app, &cart, Some(&alice), &standard_id).await;
    assert_eq!(again["shipping"]["amount"], 1_200);
    let mut body = checkout_body("Ada Lovelace");
    body["expectedTotal"] = usd(2_900);
    let r = app.checkout(&cart, &alice, "changed-2", &body).await;
    assert_eq!(r.status, 409, "{r:?}");
    assert_eq!(r.body["error"]["code"], "total_changed");
    assert!(
        app.stack.payments.operations().is_empty(),
        "nothing charged"
    );

    // Choosing again accepts the new price.
    body["expectedTotal"] = usd(3_200);
    let r = app.checkout(&cart, &alice, "changed-3", &body).await;
    assert_eq!(r.status, 202, "{r:?}");
    assert_eq!(r.body["total"]["amount"], 3_200);

    // Without a choice, or to a destination no option serves, no order.
    let cart = app.cart_with(Some(&alice), &[("BOOK", 1)]).await;
    let r = app
        .checkout(&cart, &alice, "unchosen", &checkout_body("Ada Lovelace"))
        .await;
    assert_eq!(r.body["error"]["code"], "shipping_option_required", "{r:?}");
    let mut body = checkout_body("Ada Lovelace");
    body["shippingAddress"]["country"] = json!("FR");
    let r = app.checkout(&cart, &alice, "france", &body).await;
    assert_eq!(r.body["error"]["code"], "destination_not_served", "{r:?}");
}

fn refunds(app: &TestApp) -> Vec<i64> {
    app.stack
        .payments
        .operations()
        .into_iter()
        .filter_map(|op| match op {
            Operation::Refund { amount, .. } => Some(amount.amount),
            _ => None,
        })
        .collect()
}

fn captured(app: &TestApp) -> i64 {
    app.stack
        .payments
        .operations()
        .into_iter()
        .filter_map(|op| match op {
            Operation::Charge { amount, .. } => Some(amount.amount),
            _ => None,
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn returns_refund_the_paid_share_with_its_tax_and_cancelling_refunds_shipping_too() {
    let app = spawn_app().await;
    product(&app, "BOOK", 1_000, 800).await;
    let standard_id = option(&app, standard()).await;
    rate(&app, "US-IL", "7.25", true).await;
    ten_percent_off(&app).await;

    // 3 books at 10.00, 10 % off: 27.00 of goods, 1.96 of tax (1.9575),
    // 9.00 of shipping (2.4 kg) with 0.65 of tax: 38.61.
    let alice = app.token("alice");
    let cart = app.cart_with(Some(&alice), &[("BOOK", 3)]).await;
    put(
        &app,
        &format!("/carts/{cart}/promotion"),
        Some(&alice),
        json!({"code": "TENOFF"}),
    )
    .await;
    ship_to(&app, &cart, Some(&alice), illinois()).await;
    let view = choose(&app, &cart, Some(&alice), &standard_id).await;
    assert_eq!(view["total"]["amount"], 3_861, "{view}");
    let r = app
        .checkout(&cart, &alice, "ret-1", &checkout_body("Ada Lovelace"))
        .await;
    assert_eq!(r.status, 202, "{r:?}");
    let order_id = r.body["orderId"].as_str().unwrap().to_string();
    assert_eq!(
        app.settled_order(&order_id, &alice).await["status"],
        "SHIPPED"
    );
    app.deliver(&order_id).await;

    let admin = app.admin_token();
    let return_and_receive = |units: i64, refund_shipping: bool| {
        let app = &app;
        let alice = &alice;
        let admin = &admin;
        let order_id = &order_id;
        async move {
            let r = app
                .post(
                    &format!("/orders/{order_id}/returns"),
                    Some(alice),
                    json!({"lines": [{"sku": "BOOK", "quantity": units}], "reason": "too many"}),
                )
                .await;
            assert_eq!(r.status, 201, "{r:?}");
            let base = format!(
                "/admin/orders/{order_id}/returns/{}",
                r.body["returnId"].as_str().unwrap()
            );
            let r = app
                .post(&format!("{base}/approve"), Some(admin), json!({}))
                .await;
            assert_eq!(r.status, 200, "{r:?}");
            let r = app
                .post(
                    &format!("{base}/receive"),
                    Some(admin),
                    json!({"lines": [{"sku": "BOOK", "disposition": "RESTOCK"}],
                           "refundShipping": refund_shipping}),
                )
                .await;
            assert_eq!(r.status, 200, "{r:?}");
            r.body
        }
    };
    // One unit: floor(28.96 / 3) = 9.65, of which floor(1.96 / 3) = 0.65 tax.
    let first = return_and_receive(1, false).await;
    assert_eq!(first["refund"]["amount"], 965, "{first}");
    let order = app.admin_order(&order_id).await;
    let refund = &order["refunds"][0];
    assert_eq!(refund["amount"]["amount"], 965, "{order}");
    assert_eq!(refund["tax"]["amount"], 65);
    assert!(refund.get("shipping").is_none(), "{refund}");
    // The other two, with shipping: 19.31 of goods and tax, 9.65 of shipping.
    let second = return_and_receive(2, true).await;
    assert_eq!(second["refund"]["amount"], 1_931 + 965, "{second}");
    let order = app.admin_order(&order_id).await;
    let refund = &order["refunds"][1];
    assert_eq!(refund["shipping"]["amount"], 965, "{order}");
    assert_eq!(refund["tax"]["amount"], 131 + 65);
    assert_eq!(order["status"], "REFUNDED");
    assert_eq!(refunds(&app), vec![965, 2_896]);
    assert_eq!(refunds(&app).iter().sum::<i64>(), captured(&app));
    // Nothing is left to refund.
    let r = app
        .send(
            "POST",
            &format!("/admin/orders/{order_id}/refunds"),
            Some(&admin),
            &[("idempotency-key", "extra")],
            Some(json!({"amount": usd(1), "reason": "goodwill"}).to_string()),
        )
        .await;
    assert_eq!(
        (r.status, &r.body["error"]["code"]),
        (409, &json!("order_refunded")),
        "{r:?}"
    );

    // A paid order cancelled before it ships refunds all of it, shipping
    // and tax included.
    let pause = app
        .post("/local/workers/fulfil-order/pause", None, json!({}))
        .await;
    assert_eq!(pause.status, 200, "{pause:?}");
    let cart = app.cart_with(Some(&alice), &[("BOOK", 1)]).await;
    ship_to(&app, &cart, Some(&alice), illinois()).await;
    let view = choose(&app, &cart, Some(&alice), &standard_id).await;
    // 10.00 + 0.73 tax + 5.00 (0.8 kg) + 0.36 tax.
    assert_eq!(view["total"]["amount"], 1_609, "{view}");
    let r = app
        .checkout(&cart, &alice, "ret-2", &checkout_body("Ada Lovelace"))
        .await;
    let paid_id = r.body["orderId"].as_str().unwrap().to_string();
    wait_for_paid(&app, &paid_id).await;
    let r = app
        .post(
            &format!("/orders/{paid_id}/cancel"),
            Some(&alice),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let resume = app
        .post("/local/workers/fulfil-order/resume", None, json!({}))
        .await;
    assert_eq!(resume.status, 200, "{resume:?}");
    let cancelled = app.settled_order(&paid_id, &alice).await;
    assert_eq!(cancelled["status"], "CANCELLED", "{cancelled}");
    let mut all = refunds(&app);
    all.sort();
    assert_eq!(all, vec![965, 1_609, 2_896]);
    assert_eq!(refunds(&app).iter().sum::<i64>(), captured(&app));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_change_before_shipment_is_kept_and_refused_after() {
    let app = spawn_app().await;
    product(&app, "BOOK", 1_000, 800).await;
    let standard_id = option(&app, standard()).await;
    rate(&app, "US-IL", "7.25", true).await;
    rate(&app, "US-NY", "8.875", true).await;
    let pause = app
        .post("/local/workers/fulfil-order/pause", None, json!({}))
        .await;
    assert_eq!(pause.status, 200, "{pause:?}");
    let alice = app.token("alice");
    let cart = app.cart_with(Some(&alice), &[("BOOK", 1)]).await;
    ship_to(&app, &cart, Some(&alice), illinois()).await;
    choose(&app, &cart, Some(&alice), &standard_id).await;
    let r = app
        .checkout(&cart, &alice, "addr-1", &checkout_body("Ada Lovelace"))
        .await;
    assert_eq!(r.status, 202, "{r:?}");
    let order_id = r.body["orderId"].as_str().unwrap().to_string();
    wait_for_paid(&app, &order_id).await;
    let path = format!("/orders/{order_id}/shipping-address");
    let patch = |body: Value, token: String| {
        let app = &app;
        let path = path.clone();
        async move {
            app.send("PATCH", &path, Some(&token), &[], Some(body.to_string()))
                .await
        }
    };

    // Elsewhere in Illinois: same option, same tax.
    let mut chicago = illinois();
    chicago["line1"] = json!("233 S Wacker Dr");
    chicago["city"] = json!("Chicago");
    chicago["postalCode"] = json!("60606");
    let r = patch(chicago.clone(), alice.clone()).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["shippingAddress"]["city"], "Chicago");
    // New York would be taxed differently; France is not served; Bob
    // cannot see the order.
    let mut new_york = illinois();
    new_york["region"] = json!("NY");
    let r = patch(new_york, alice.clone()).await;
    assert_eq!(
        (r.status, &r.body["error"]["code"]),
        (409, &json!("tax_changed")),
        "{r:?}"
    );
    let mut paris = illinois();
    paris["country"] = json!("FR");
    paris["region"] = json!(null);
    let r = patch(paris, alice.clone()).await;
    assert_eq!(
        (r.status, &r.body["error"]["code"]),
        (409, &json!("shipping_option_unavailable")),
        "{r:?}"
    );
    let r = patch(chicago.clone(), app.token("bob")).await;
    assert_eq!(r.status, 404, "{r:?}");
    let r = patch(
        json!({"line1": "x", "city": "y", "postalCode": "1", "country": "USA"}),
        alice.clone(),
    )
    .await;
    assert_eq!(r.status, 400, "{r:?}");

    // The parcel goes to Chicago, and after that the address stays.
    let resume = app
        .post("/local/workers/fulfil-order/resume", None, json!({}))
        .await;
    assert_eq!(resume.status, 200, "{resume:?}");
    let order = app.settled_order(&order_id, &alice).await;
    assert_eq!(order["status"], "SHIPPED");
    assert_eq!(order["shippingAddress"]["city"], "Chicago");
    let r = patch(illinois(), alice.clone()).await;
    assert_eq!(
        (r.status, &r.body["error"]["code"]),
        (409, &json!("order_shipped")),
        "{r:?}"
    );
    let order = app.admin_order(&order_id).await;
    assert_eq!(order["shippingAddress"]["city"], "Chicago");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_shipping_options_and_tax_rates_get_a_clear_4xx_and_nothing_is_written() {
    let app = spawn_app().await;
    let admin = app.admin_token();
    let create = |body: Value| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.post("/admin/shipping-options", Some(&admin), body)
                .await
        }
    };
    let flat = json!({"type": "FLAT", "amount": usd(500)});
    let base = |countries: Value, regions: Value, rate: Value| json!({"name": "S", "carrierService": "G", "countries": countries, "regions": regions, "rate": rate});
    for (body, status, code) in [
        (
            base(json!(["ZZ"]), json!([]), flat.clone()),
            400,
            "invalid_field",
        ),
        (
            base(json!([]), json!([]), flat.clone()),
            400,
            "invalid_field",
        ),
        (
            base(json!(["US"]), json!(["CA-QC"]), flat.clone()),
            422,
            "invalid_shipping_option",
        ),
        (
            base(
                json!(["US"]),
                json!([]),
                json!({"type": "FLAT", "amount": usd(-1)}),
            ),
            400,
            "invalid_field",
        ),
        (
            base(
                json!(["US"]),
                json!([]),
                json!({"type": "WEIGHT_BANDS", "bands": [
                    {"minGrams": 0, "maxGrams": 1000, "amount": usd(500)},
                    {"minGrams": 500, "maxGrams": 2000, "amount": usd(700)}]}),
            ),
            422,
            "invalid_shipping_option",
        ),
        (
            base(json!(["US"]), json!([]), json!({"type": "BY_MOOD"})),
            400,
            "invalid_body",
        ),
    ] {
        let r = create(body.clone()).await;
        assert_eq!(
            (r.status, r.body["error"]["code"].as_str()),
            (status, Some(code)),
            "{body}: {r:?}"
        );
    }
    let r = app.get("/admin/shipping-options", Some(&admin)).await;
    assert_eq!(r.body["items"], json!([]), "nothing half-written");
    let r = app
        .post(
            "/admin/shipping-options",
            Some(&app.token("alice")),
            base(json!(["US"]), json!([]), flat),
        )
        .await;
    assert_eq!(r.status, 403, "{r:?}");

    let put_rate = |id: &str, body: Value| {
        let app = &app;
        let admin = admin.clone();
        let path = format!("/admin/tax-rates/{id}");
        async move {
            app.send("PUT", &path, Some(&admin), &[], Some(body.to_string()))
                .await
        }
    };
    let r = put_rate("ZZ", json!({"name": "Nowhere", "percent": "5"})).await;
    assert_eq!(
        (r.status, &r.body["error"]["code"]),
        (422, &json!("unknown_country")),
        "{r:?}"
    );
    for percent in ["101", "-1", "7.123456", "seven"] {
        let r = put_rate("US", json!({"name": "US", "percent": percent})).await;
        assert_eq!(r.status, 400, "{percent}: {r:?}");
    }
    let r = app.get("/admin/tax-rates", Some(&admin)).await;
    assert_eq!(r.body["items"], json!([]), "nothing half-written");
    let r = put_rate(
        "US-IL",
        json!({"name": "Illinois", "percent": "7.25", "shippingTaxed": true}),
    )
    .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["ratePpm"], 72_500);
    let r = put_rate("US-IL", json!({"name": "Illinois", "percent": "6.25"})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = app
        .send("DELETE", "/admin/tax-rates/US-IL", Some(&admin), &[], None)
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = app
        .send("DELETE", "/admin/tax-rates/US-IL", Some(&admin), &[], None)
        .await;
    assert_eq!(r.status, 404, "{r:?}");
}
