//! A function dies at every point where a real Lambda can: each workflow
//! step and each compensation step just before its callback (its DynamoDB
//! write done, the workflow not told) and just after it (the workflow told,
//! the message not deleted), and checkout between its transaction and
//! `StartExecution`. Every order still ends in a true state: its status,
//! its stock, its money and its e-mails agree with what happened to it.
//!
//! The crashes come from `local::faults`: the local runner drops the
//! invocation at the request, leaves the worker's whole batch on its queue
//! (back after a second instead of the 60 s visibility timeout) and answers
//! an API request 500, as API Gateway does for a dead function.

use local::faults::{Fault, When};
use serde_json::{json, Value};
use shared::payments::sandbox::Operation;
use tests::{checkout_body_with, spawn_app, spawn_app_with, TestApp};

/// What became of one order.
#[derive(Debug)]
struct Outcome {
    status: String,
    execution: String,
    /// (on hand, reserved, available) of its SKU.
    stock: (i64, i64, i64),
    charges: usize,
    refunds: usize,
    /// Subjects of the e-mails its customer got.
    emails: Vec<String>,
    payment: Value,
}

const OPENING_STOCK: i64 = 10;
const QUANTITY: i64 = 2;
const PRICE: i64 = 1_400;

/// One order of `QUANTITY` of a fresh SKU through the whole workflow with
/// `fault` armed; what became of it, once the workflow has finished.
async fn order_through(
    app: &TestApp,
    n: usize,
    fault: Fault,
    method: &str,
    postal_code: &str,
) -> Outcome {
    let sku = format!("CRASH-{n}");
    app.create_product(&sku, PRICE, OPENING_STOCK).await;
    let sub = format!("crash-customer-{n}");
    let email = format!("crash-{n}@example.com");
    let token = app.token(&sub);
    let cart = app.cart_with(Some(&token), &[(&sku, QUANTITY)]).await;
    app.stack.faults.arm(fault.clone());
    let placed = app
        .checkout(
            &cart,
            &token,
            "k",
            &checkout_body_with(&email, method, postal_code),
        )
        .await;
    assert_eq!(placed.status, 202, "{fault}: {:?}", placed.body);
    let order_id = placed.body["orderId"].as_str().unwrap().to_string();
    let order = app.settled_order(&order_id, &token).await;
    assert!(
        app.stack.faults.fired().contains(&fault),
        "{fault} never fired (still armed: {:?})",
        app.stack.faults.armed()
    );
    outcome(app, &order_id, &sku, &email, order).await
}

async fn outcome(app: &TestApp, order_id: &str, sku: &str, email: &str, order: Value) -> Outcome {
    // The e-mails of a finished workflow are all sent; a late duplicate
    // would come within the crashed batch's return (a second).
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    let admin = app.admin_order(order_id).await;
    let payment_id = admin["payment"]["paymentId"].as_str().map(str::to_string);
    let operations = app.stack.payments.operations();
    let of_order = |id: &String| payment_id.as_ref() == Some(id);
    Outcome {
        status: order["status"].as_str().unwrap_or_default().to_string(),
        execution: app.execution_status(order_id).await,
        stock: app.stock(sku).await,
        charges: operations
            .iter()
            .filter(|o| matches!(o, Operation::Charge { payment_id, .. } if of_order(payment_id)))
            .count(),
        refunds: operations
            .iter()
            .filter(|o| matches!(o, Operation::Refund { payment_id, .. } if of_order(payment_id)))
            .count(),
        emails: app
            .sent_emails(email)
            .await
            .into_iter()
            .map(|(subject, _)| subject)
            .collect(),
        payment: admin["payment"].clone(),
    }
}

fn subjects_ending(outcome: &Outcome, suffix: &str) -> usize {
    outcome
        .emails
        .iter()
        .filter(|s| s.ends_with(suffix))
        .count()
}

/// Both crash points of each of `functions` around `operation`.
fn around(functions: &[&str], operation: &str) -> Vec<Fault> {
    functions
        .iter()
        .flat_map(|f| [Fault::before(f, operation), Fault::after(f, operation)])
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_at_any_step_of_a_paid_order_still_ships_it_once() {
    let app = spawn_app().await;
    let mut faults = around(
        &[
            "reserve-stock",
            "charge-payment",
            "fulfil-order",
            "notify-customer",
        ],
        "SendTaskSuccess",
    );
    // The reservation committed and nothing after it ran; the card charged
    // at the gateway and the charge not yet recorded on the order.
    faults.push(Fault::after("reserve-stock", "TransactWriteItems"));
    faults.push(Fault::before("charge-payment", "UpdateItem"));
    // The e-mail claimed and not sent: sent by the retry once the claim's
    // lease is over.
    faults.push(Fault::before("notify-customer", "SendEmail"));
    for (n, fault) in faults.into_iter().enumerate() {
        let o = order_through(&app, n, fault.clone(), "pm_card_visa", "62701").await;
        assert_eq!(
            (o.status.as_str(), o.execution.as_str()),
            ("SHIPPED", "SUCCEEDED"),
            "{fault}: {o:?}"
        );
        assert_eq!(
            o.stock,
            (OPENING_STOCK - QUANTITY, 0, OPENING_STOCK - QUANTITY),
            "{fault}: {o:?}"
        );
        assert_eq!((o.charges, o.refunds), (1, 0), "{fault}: {o:?}");
        assert_eq!(o.payment["status"], "CAPTURED", "{fault}: {o:?}");
        assert_eq!(
            o.payment["amount"]["amount"],
            json!(PRICE * QUANTITY),
            "{fault}"
        );
        assert_eq!(o.emails.len(), 2, "{fault}: {o:?}");
        assert_eq!(subjects_ending(&o, "confirmed"), 1, "{fault}: {o:?}");
        assert_eq!(subjects_ending(&o, "has shipped"), 1, "{fault}: {o:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_at_any_step_of_a_declined_order_releases_its_stock_and_charges_nothing() {
    let app = spawn_app().await;
    let mut faults = around(&["charge-payment"], "SendTaskFailure");
    faults.extend(around(
        &["release-stock", "mark-order-failed"],
        "SendTaskSuccess",
    ));
    for (n, fault) in faults.into_iter().enumerate() {
        let o = order_through(
            &app,
            n,
            fault.clone(),
            "pm_card_chargeDeclinedInsufficientFunds",
            "62701",
        )
        .await;
        assert_eq!(
            (o.status.as_str(), o.execution.as_str()),
            ("PAYMENT_FAILED", "FAILED"),
            "{fault}: {o:?}"
        );
        assert_eq!(o.stock, (OPENING_STOCK, 0, OPENING_STOCK), "{fault}: {o:?}");
        assert_eq!((o.charges, o.refunds), (0, 0), "{fault}: {o:?}");
        assert_eq!(o.emails.len(), 1, "{fault}: {o:?}");
        assert!(o.emails[0].contains("declined"), "{fault}: {o:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_at_any_step_of_a_failed_fulfilment_refunds_once_and_releases_the_stock() {
    let app = spawn_app().await;
    let mut faults = around(&["fulfil-order"], "SendTaskFailure");
    faults.extend(around(
        &["refund-payment", "release-stock", "mark-order-failed"],
        "SendTaskSuccess",
    ));
    // The refund made at the gateway and not yet recorded on the order.
    faults.push(Fault::before("refund-payment", "UpdateItem"));
    for (n, fault) in faults.into_iter().enumerate() {
        // The local carrier refuses postal code 00000.
        let o = order_through(&app, n, fault.clone(), "pm_card_mastercard", "00000").await;
        assert_eq!(o.status, "CANCELLED", "{fault}: {o:?}");
        assert_eq!(o.stock, (OPENING_STOCK, 0, OPENING_STOCK), "{fault}: {o:?}");
        assert_eq!((o.charges, o.refunds), (1, 1), "{fault}: {o:?}");
        assert_eq!(o.payment["status"], "REFUNDED", "{fault}: {o:?}");
        assert_eq!(
            o.payment["refunded"]["amount"],
            json!(PRICE * QUANTITY),
            "{fault}"
        );
        assert_eq!(subjects_ending(&o, "was cancelled"), 1, "{fault}: {o:?}");
    }
}

/// The one window where a crash costs a duplicate rather than nothing: SES
/// accepted the e-mail and the function died before recording it. SES
/// takes no idempotency key, so the retry sends it again; losing the
/// customer's confirmation would be worse.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_sending_an_email_and_recording_it_sends_it_again() {
    let app = spawn_app().await;
    let fault = Fault::after("notify-customer", "SendEmail");
    let o = order_through(&app, 0, fault.clone(), "pm_card_visa", "62701").await;
    assert_eq!(o.status, "SHIPPED", "{o:?}");
    assert_eq!(subjects_ending(&o, "confirmed"), 2, "{o:?}");
    assert_eq!(subjects_ending(&o, "has shipped"), 1, "{o:?}");
    assert_eq!((o.charges, o.refunds), (1, 0), "{o:?}");
}

/// Checkout dies after its transaction committed the order and before it
/// started the workflow: the customer sees a 500 and the order is PENDING
/// with no execution. Retrying with the same key starts it; a customer who
/// never retries has it started by the sweeper.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkout_that_dies_before_starting_its_workflow_is_started_by_a_retry_or_the_sweeper() {
    let app = spawn_app_with(
        &[("STRANDED_ORDER_GRACE_SECONDS".to_string(), "0".to_string())]
            .into_iter()
            .collect(),
    )
    .await;
    for (n, retries) in [(0, true), (1, false)] {
        let sku = format!("STRANDED-{n}");
        app.create_product(&sku, PRICE, OPENING_STOCK).await;
        let sub = format!("stranded-{n}");
        let email = format!("stranded-{n}@example.com");
        let token = app.token(&sub);
        let cart = app.cart_with(Some(&token), &[(&sku, QUANTITY)]).await;
        let fault = Fault::before("checkout", "StartExecution");
        app.stack.faults.arm(fault.clone());
        let body = checkout_body_with(&email, "pm_card_visa", "62701");
        let died = app.checkout(&cart, &token, "once", &body).await;
        assert_eq!(died.status, 500, "{:?}", died.body);
        assert_eq!(app.stack.faults.fired().last(), Some(&fault));
        assert_eq!(fault.when, When::Before);

        // The order is there, PENDING, holding no stock, with no workflow.
        let orders = app.get("/orders", Some(&token)).await.body;
        let order_id = orders["items"][0]["orderId"]
            .as_str()
            .unwrap_or_else(|| panic!("{orders}"))
            .to_string();
        assert_eq!(orders["items"][0]["status"], "PENDING");
        assert_eq!(app.stock(&sku).await, (OPENING_STOCK, 0, OPENING_STOCK));
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        assert_eq!(
            app.admin_order(&order_id).await["status"],
            "PENDING",
            "nothing moves a stranded order by itself"
        );

        if retries {
            let again = app.checkout(&cart, &token, "once", &body).await;
            assert_eq!(again.status, 202, "{:?}", again.body);
            assert_eq!(again.body["orderId"], json!(order_id));
        } else {
            let sweep = app.stack.run_job("start-stranded-orders").await.unwrap();
            assert_eq!(sweep["started"], json!([order_id]), "{sweep}");
        }
        let order = app.settled_order(&order_id, &token).await;
        let o = outcome(&app, &order_id, &sku, &email, order).await;
        assert_eq!(
            (o.status.as_str(), o.execution.as_str()),
            ("SHIPPED", "SUCCEEDED"),
            "{o:?}"
        );
        assert_eq!(
            o.stock,
            (OPENING_STOCK - QUANTITY, 0, OPENING_STOCK - QUANTITY)
        );
        assert_eq!((o.charges, o.refunds), (1, 0), "{o:?}");
        assert_eq!(o.emails.len(), 2, "{o:?}");
    }
    // A sweep finds nothing more to start: orders on their way are left alone.
    let sweep = app.stack.run_job("start-stranded-orders").await.unwrap();
    assert_eq!(sweep["started"], json!([]), "{sweep}");
}

/// A PENDING order younger than the grace period is not the sweeper's:
/// checkout may be starting it this very moment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sweeper_leaves_orders_younger_than_its_grace_period() {
    // The template's grace period (the test stacks otherwise use a day).
    let app = spawn_app_with(
        &[(
            "STRANDED_ORDER_GRACE_SECONDS".to_string(),
            "300".to_string(),
        )]
        .into_iter()
        .collect(),
    )
    .await;
    app.create_product("YOUNG", PRICE, OPENING_STOCK).await;
    let order_id = uuid::Uuid::now_v7().to_string();
    app.pending_order(&order_id, "young", &[("YOUNG", 1)]).await;
    let sweep = app.stack.run_job("start-stranded-orders").await.unwrap();
    assert_eq!(sweep["started"], json!([]), "{sweep}");
    assert_eq!(app.admin_order(&order_id).await["status"], "PENDING");
}
