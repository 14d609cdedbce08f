//! The Stripe adapter against a local stand-in for Stripe's API (exact
//! requests, secret from Secrets Manager, idempotent replays, every kind of
//! answer), the workflow charging through it, and the payment webhook.

use std::collections::HashMap;

use serde_json::{json, Value};
use shared::domain::money::{Currency, Money};
use shared::payments::sandbox::Operation;
use shared::payments::stripe::StripeGateway;
use shared::payments::{ChargeRequest, PaymentError};
use shared::secrets::Secret;
use tests::stripe_fake::StripeFake;
use tests::{checkout_body_with, emulator_sdk, spawn_app, spawn_app_with, TestApp};

fn usd(amount: i64) -> Money {
    Money {
        amount,
        currency: Currency::parse("USD").unwrap(),
    }
}

fn charge_request<'a>(order_id: &'a str, amount: &'a Money, token: &'a str) -> ChargeRequest<'a> {
    ChargeRequest {
        order_id,
        amount,
        method_token: token,
        idempotency_key: format!("charge-{order_id}"),
    }
}

fn declined_code(result: Result<impl std::fmt::Debug, PaymentError>) -> String {
    match result {
        Err(PaymentError::Declined { code, .. }) => code,
        other => panic!("expected a decline, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stripe_adapter_sends_exact_form_encoded_requests_with_its_key_from_secrets_manager() {
    let fake = StripeFake::start("sk_test_from_secrets_manager").await;
    let sdk = emulator_sdk().await;
    let secrets = aws_sdk_secretsmanager::Client::new(&sdk);
    let created = secrets
        .create_secret()
        .name(format!("stripe-key-{}", uuid::Uuid::new_v4()))
        .secret_string("sk_test_from_secrets_manager")
        .send()
        .await
        .unwrap();
    let arn = created.arn().unwrap().to_string();
    let key = Secret::from_lookup("STRIPE_SECRET_KEY", |k| {
        (k == "STRIPE_SECRET_KEY_ARN").then(|| arn.clone())
    })
    .unwrap();
    let gateway = StripeGateway::new(fake.url.clone(), key, secrets.clone());
    assert!(!format!("{gateway:?}").contains("sk_test_from_secrets_manager"));

    // A charge: one PaymentIntent, created and confirmed in one request.
    let amount = usd(2_800);
    let charge = gateway
        .charge(&charge_request("order-1", &amount, "pm_card_visa"))
        .await
        .unwrap();
    assert_eq!(charge.provider, "stripe");
    assert_eq!(charge.payment_id, "pi_fake_1");
    assert_eq!(charge.amount, amount);
    assert_eq!(charge.method.method_type, "card");
    assert_eq!(charge.method.brand.as_deref(), Some("visa"));
    assert_eq!(charge.method.last4.as_deref(), Some("4242"));
    let sent = &fake.requests()[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, "/v1/payment_intents");
    assert_eq!(
        sent.header("authorization"),
        Some("Bearer sk_test_from_secrets_manager")
    );
    assert_eq!(
        sent.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(sent.header("idempotency-key"), Some("charge-order-1"));
    assert_eq!(sent.header("stripe-version"), Some("2024-06-20"));
    let form: Vec<(&str, &str)> = sent
        .form
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        form,
        vec![
            ("amount", "2800"),
            ("currency", "usd"),
            ("payment_method", "pm_card_visa"),
            ("confirm", "true"),
            ("automatic_payment_methods[enabled]", "true"),
            ("automatic_payment_methods[allow_redirects]", "never"),
            ("description", "Order order-1"),
            ("metadata[order_id]", "order-1"),
            ("expand[]", "latest_charge"),
        ]
    );

    // The same step again: same key, Stripe replays, one PaymentIntent.
    let again = gateway
        .charge(&charge_request("order-1", &amount, "pm_card_visa"))
        .await
        .unwrap();
    assert_eq!(again.payment_id, charge.payment_id);
    assert_eq!(fake.intents().len(), 1);
    assert_eq!(
        fake.requests()[1].header("idempotency-key"),
        Some("charge-order-1")
    );

    // Wallets, declines, authentication, gateway errors, unknown methods.
    let wallet = gateway
        .charge(&charge_request("order-2", &amount, "pm_card_visa_applepay"))
        .await
        .unwrap();
    assert_eq!(wallet.method.method_type, "apple_pay");
    assert_eq!(
        declined_code(
            gateway
                .charge(&charge_request(
                    "order-3",
                    &amount,
                    "pm_card_chargeDeclinedInsufficientFunds"
                ))
                .await
        ),
        "insufficient_funds"
    );
    assert_eq!(
        declined_code(
            gateway
                .charge(&charge_request(
                    "order-4",
                    &amount,
                    "pm_card_authenticationRequired"
                ))
                .await
        ),
        "authentication_required"
    );
    assert_eq!(
        declined_code(
            gateway
                .charge(&charge_request("order-5", &amount, "pm_nonsense"))
                .await
        ),
        "resource_missing"
    );
    assert!(matches!(
        gateway
            .charge(&charge_request("order-6", &amount, "pm_fake_gateway_error"))
            .await,
        Err(PaymentError::Unavailable(_))
    ));

    // A refund: against the PaymentIntent, with its own key, once.
    let refund = gateway
        .refund(&charge.payment_id, &amount, "refund-order-1")
        .await
        .unwrap();
    assert_eq!(refund.amount, amount);
    let sent = fake.requests_to("/v1/refunds");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].header("idempotency-key"), Some("refund-order-1"));
    assert_eq!(
        sent[0].header("authorization"),
        Some("Bearer sk_test_from_secrets_manager")
    );
    let form: Vec<(&str, &str)> = sent[0]
        .form
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        form,
        vec![("payment_intent", "pi_fake_1"), ("amount", "2800")]
    );
    let replay = gateway
        .refund(&charge.payment_id, &amount, "refund-order-1")
        .await
        .unwrap();
    assert_eq!(replay.refund_id, refund.refund_id);
    assert_eq!(fake.refunds(), vec![("pi_fake_1".to_string(), 2_800)]);
    // More than is left to refund is refused, not retried.
    assert_eq!(
        declined_code(
            gateway
                .refund(&charge.payment_id, &amount, "refund-order-1-again")
                .await
        ),
        "charge_already_refunded"
    );

    // A wrong key or an unreachable gateway is "unavailable", not a decline.
    let wrong = StripeGateway::new(
        fake.url.clone(),
        Secret::inline("STRIPE_SECRET_KEY", "sk_test_wrong"),
        secrets.clone(),
    );
    assert!(matches!(
        wrong
            .charge(&charge_request("order-7", &amount, "pm_card_visa"))
            .await,
        Err(PaymentError::Unavailable(_))
    ));
    let closed = StripeGateway::new(
        "http://127.0.0.1:9",
        Secret::inline("STRIPE_SECRET_KEY", "sk_test_x"),
        secrets,
    );
    assert!(matches!(
        closed
            .charge(&charge_request("order-8", &amount, "pm_card_visa"))
            .await,
        Err(PaymentError::Unavailable(_))
    ));
}

async fn place(app: &TestApp, sub: &str, email: &str, method: &str, postal: &str) -> String {
    let token = app.token(sub);
    let cart = app.cart_with(Some(&token), &[("MUG", 2)]).await;
    let placed = app
        .checkout(
            &cart,
            &token,
            &format!("k-{email}"),
            &checkout_body_with(email, method, postal),
        )
        .await;
    assert_eq!(placed.status, 202, "{:?}", placed.body);
    let order_id = placed.body["orderId"].as_str().unwrap().to_string();
    app.settled_order(&order_id, &token).await;
    order_id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_stripe_configured_the_workflow_charges_declines_and_refunds_through_stripe() {
    let fake = StripeFake::start(local::LOCAL_STRIPE_SECRET_KEY).await;
    let overrides = HashMap::from([
        ("PAYMENT_GATEWAY".to_string(), "stripe".to_string()),
        ("STRIPE_API_BASE".to_string(), fake.url.clone()),
    ]);
    let app = spawn_app_with(&overrides).await;
    app.create_product("MUG", 1_400, 10).await;

    let paid = place(&app, "sam", "sam@example.com", "pm_card_visa", "62701").await;
    let order = app.admin_order(&paid).await;
    assert_eq!(order["status"], "SHIPPED", "{order}");
    let payment = &order["payment"];
    assert_eq!(payment["provider"], "stripe");
    assert_eq!(payment["brand"], "visa");
    assert_eq!(payment["last4"], "4242");
    let intent = payment["paymentId"].as_str().unwrap().to_string();
    assert_eq!(fake.intents().get(&intent), Some(&2_800));
    let charges: Vec<_> = fake
        .requests_to("/v1/payment_intents")
        .into_iter()
        .filter(|r| r.field("metadata[order_id]") == Some(paid.as_str()))
        .collect();
    assert!(!charges.is_empty());
    for r in &charges {
        assert_eq!(
            r.header("idempotency-key"),
            Some(format!("charge-{paid}").as_str())
        );
        assert_eq!(r.field("amount"), Some("2800"));
    }

    let declined = place(
        &app,
        "dee",
        "dee@example.com",
        "pm_card_chargeDeclinedInsufficientFunds",
        "62701",
    )
    .await;
    let order = app.admin_order(&declined).await;
    assert_eq!(order["status"], "PAYMENT_FAILED", "{order}");
    assert_eq!(order["payment"]["provider"], "stripe");
    assert_eq!(order["payment"]["declineCode"], "insufficient_funds");

    // Charged, then the carrier refuses the parcel: refunded through Stripe.
    let refused = place(&app, "rae", "rae@example.com", "pm_card_visa", "00000").await;
    let order = app.admin_order(&refused).await;
    assert_eq!(order["status"], "CANCELLED", "{order}");
    let refused_intent = order["payment"]["paymentId"].as_str().unwrap().to_string();
    assert_eq!(order["payment"]["status"], "REFUNDED");
    assert_eq!(fake.refunds(), vec![(refused_intent, 2_800)]);
    for r in fake.requests_to("/v1/refunds") {
        assert_eq!(
            r.header("idempotency-key"),
            Some(format!("refund-{refused}").as_str())
        );
    }
    let (on_hand, reserved, _) = app.stock("MUG").await;
    assert_eq!((on_hand, reserved), (8, 0));
}

fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    shared::webhooks::signature::sign(secret, timestamp, body.as_bytes()).unwrap()
}

async fn post_event(app: &TestApp, body: &str, signature: &str) -> tests::Reply {
    app.send(
        "POST",
        "/webhooks/payments",
        None,
        &[("stripe-signature", signature)],
        Some(body.to_string()),
    )
    .await
}

async fn deliver(app: &TestApp, body: &Value) -> tests::Reply {
    let body = body.to_string();
    let signature = sign(
        local::LOCAL_PAYMENT_WEBHOOK_SECRET,
        tests::chrono_now(),
        &body,
    );
    post_event(app, &body, &signature).await
}

fn intent_event(event_id: &str, kind: &str, intent: &str, order_id: &str, amount: i64) -> Value {
    json!({
        "id": event_id,
        "object": "event",
        "type": kind,
        "created": tests::chrono_now(),
        "data": { "object": {
            "id": intent, "object": "payment_intent", "amount": amount, "currency": "usd",
            "status": if kind == "payment_intent.succeeded" { "succeeded" } else { "requires_payment_method" },
            "payment_method_types": ["card"],
            "metadata": { "order_id": order_id },
            "last_payment_error": { "code": "card_declined", "decline_code": "expired_card" }
        }}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payment_webhooks_need_a_valid_signature_count_once_and_reconcile_orders() {
    let app = spawn_app().await;
    app.create_product("MUG", 1_400, 10).await;
    let shipped = place(&app, "wes", "wes@example.com", "pm_card_visa", "62701").await;
    let order = app.admin_order(&shipped).await;
    let intent = order["payment"]["paymentId"].as_str().unwrap().to_string();

    // Signatures: valid accepted; tampered, wrong secret, stale, missing refused.
    let event = intent_event(
        "evt_1",
        "payment_intent.succeeded",
        &intent,
        &shipped,
        2_800,
    );
    let body = event.to_string();
    let now = tests::chrono_now();
    let secret = local::LOCAL_PAYMENT_WEBHOOK_SECRET;
    let tampered = body.replace("2800", "1");
    for (body, signature) in [
        (tampered.clone(), sign(secret, now, &body)),
        (tampered.clone(), sign("whsec_someone_else", now, &tampered)),
        (tampered.clone(), sign(secret, now - 301, &tampered)),
        (tampered.clone(), String::new()),
    ] {
        let r = post_event(&app, &body, &signature).await;
        assert_eq!(r.status, 400, "{r:?}");
        assert_eq!(r.body["error"]["code"], "invalid_signature");
    }
    let r = post_event(&app, &body, &sign(secret, now, &body)).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["duplicate"], false);
    assert_eq!(
        r.body["action"], "none",
        "the charge step recorded it already"
    );
    let r = deliver(&app, &event).await;
    assert_eq!(r.body["duplicate"], true);
    assert_eq!(app.admin_order(&shipped).await, order, "nothing changed");

    // A refund made in the gateway's dashboard is recorded, once.
    let refunded = json!({
        "id": "evt_2", "object": "event", "type": "charge.refunded",
        "data": { "object": {
            "id": "ch_1", "object": "charge", "payment_intent": intent, "amount": 2_800,
            "amount_refunded": 2_800, "currency": "usd", "refunded": true,
            "metadata": { "order_id": shipped },
            "refunds": { "data": [ { "id": "re_dashboard_1" } ] }
        }}
    });
    let r = deliver(&app, &refunded).await;
    assert_eq!(r.body["action"], "refund_recorded", "{r:?}");
    let after = app.admin_order(&shipped).await;
    assert_eq!(after["payment"]["status"], "REFUNDED");
    assert_eq!(after["payment"]["refundId"], "re_dashboard_1");
    assert_eq!(after["payment"]["refunded"]["amount"], 2_800);
    assert_eq!(deliver(&app, &refunded).await.body["duplicate"], true);

    // A charge whose answer the workflow never got: the event pays the order.
    let alice = app.token("alice");
    let lost_id = uuid::Uuid::new_v4().to_string();
    let cancelled_id = uuid::Uuid::new_v4().to_string();
    let failing_id = uuid::Uuid::new_v4().to_string();
    let lost = app.pending_order(&lost_id, "alice", &[("MUG", 1)]).await;
    app.store()
        .reserve_stock(&lost, &shared::domain::now_rfc3339())
        .await
        .unwrap();
    let r = deliver(
        &app,
        &intent_event(
            "evt_3",
            "payment_intent.succeeded",
            "pi_sandbox_lost1",
            &lost_id,
            lost.total.amount,
        ),
    )
    .await;
    assert_eq!(r.body["action"], "order_paid", "{r:?}");
    let paid = app.admin_order(&lost_id).await;
    assert_eq!(paid["status"], "PAID");
    assert_eq!(paid["payment"]["paymentId"], "pi_sandbox_lost1");

    // A capture that lands after the customer cancelled is refunded, once.
    app.pending_order(&cancelled_id, "alice", &[("MUG", 1)])
        .await;
    let r = app
        .post(
            &format!("/orders/{cancelled_id}/cancel"),
            Some(&alice),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let late = intent_event(
        "evt_4",
        "payment_intent.succeeded",
        "pi_sandbox_late1",
        &cancelled_id,
        1_400,
    );
    let r = deliver(&app, &late).await;
    assert_eq!(r.body["action"], "refunded", "{r:?}");
    let mut again = late.clone();
    again["id"] = json!("evt_5");
    assert_eq!(deliver(&app, &late).await.body["duplicate"], true);
    assert_eq!(deliver(&app, &again).await.body["action"], "none");
    let cancelled = app.admin_order(&cancelled_id).await;
    assert_eq!(cancelled["status"], "CANCELLED");
    assert_eq!(cancelled["payment"]["status"], "REFUNDED");
    let late_refunds: Vec<_> = app
        .stack
        .payments
        .operations()
        .into_iter()
        .filter(|op| {
            matches!(op, Operation::Refund { payment_id, .. } if payment_id == "pi_sandbox_late1")
        })
        .collect();
    assert_eq!(late_refunds.len(), 1, "{late_refunds:?}");

    // A failed payment is recorded on a RESERVED order; other types are ignored.
    let failing = app.pending_order(&failing_id, "alice", &[("MUG", 1)]).await;
    app.store()
        .reserve_stock(&failing, &shared::domain::now_rfc3339())
        .await
        .unwrap();
    let r = deliver(
        &app,
        &intent_event(
            "evt_6",
            "payment_intent.payment_failed",
            "pi_sandbox_failing1",
            &failing_id,
            1_400,
        ),
    )
    .await;
    assert_eq!(r.body["action"], "decline_recorded", "{r:?}");
    let failing = app.admin_order(&failing_id).await;
    assert_eq!(failing["payment"]["declineCode"], "expired_card");
    let r = deliver(
        &app,
        &json!({"id": "evt_7", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}),
    )
    .await;
    assert_eq!(r.body["action"], "ignored");
    // Malformed events are refused even when signed.
    let r = deliver(
        &app,
        &json!({"id": "evt_8", "type": "payment_intent.succeeded", "data": {"object": {"id": 5}}}),
    )
    .await;
    assert_eq!(r.status, 400, "{r:?}");
}
