//! Forged credentials at every door of the running stack: each route of
//! `template.yaml` through the gateway's JWT authorizer (and, where signing
//! in is optional, the function's own check), the WebSocket API's
//! `$connect`, and the payment and carrier webhooks. Every forged token
//! claims the `admin` group, so a door that let one through would show.
//! (`tokens.rs` holds the verifier's own checks, reason by reason.)

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use hmac::{Hmac, Mac};
use local::identity::{LocalIdentityProvider, AUDIENCE, ISSUER};
use serde_json::{json, Value};
use tests::{spawn_app, TestApp};

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

/// An administrator's claims, with `overrides` (null removes a claim).
fn admin_claims(overrides: Value) -> Value {
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({"sub": "mallory", "iss": ISSUER, "aud": AUDIENCE, "iat": now,
                            "exp": now + 300, "cognito:groups": ["admin"]});
    for (k, v) in overrides.as_object().unwrap() {
        claims[k] = v.clone();
    }
    claims
}

/// Every kind of forged or wrong token, named.
fn forged_tokens(idp: &LocalIdentityProvider) -> Vec<(&'static str, String)> {
    let claims = admin_claims(json!({}));
    let payload = b64(&claims);
    let real = idp
        .sign(admin_claims(json!({"cognito:groups": []})))
        .unwrap();
    let signature = real.rsplit('.').next().unwrap().to_string();
    let hs256 = |secret: &[u8]| {
        let signed = format!(
            "{}.{payload}",
            b64(&json!({"alg": "HS256", "typ": "JWT", "kid": "local-1"}))
        );
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
        mac.update(signed.as_bytes());
        format!(
            "{signed}.{}",
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    };
    let jwk = &idp.jwks().keys[0];
    let modulus = jwk.n.clone().unwrap();
    let none = b64(&json!({"alg": "none", "typ": "JWT", "kid": "local-1"}));
    let unknown_kid = b64(&json!({"alg": "RS256", "typ": "JWT", "kid": "someone-else"}));
    let other_pool = LocalIdentityProvider::generate().unwrap();
    let now = chrono::Utc::now().timestamp();
    vec![
        ("alg none", format!("{none}.{payload}.")),
        ("alg none, signed", format!("{none}.{payload}.{signature}")),
        (
            "HS256 under the public key",
            hs256(&URL_SAFE_NO_PAD.decode(&modulus).unwrap()),
        ),
        (
            "HS256 under the public key's text",
            hs256(modulus.as_bytes()),
        ),
        (
            "admin claims under a customer's signature",
            format!("{}.{payload}.{signature}", real.split('.').next().unwrap()),
        ),
        (
            "unknown kid",
            format!("{unknown_kid}.{payload}.{signature}"),
        ),
        (
            "wrong issuer",
            idp.sign(admin_claims(
                json!({"iss": "https://cognito-idp.us-east-1.amazonaws.com/another-pool"}),
            ))
            .unwrap(),
        ),
        (
            "wrong audience",
            idp.sign(admin_claims(json!({"aud": "another-app"})))
                .unwrap(),
        ),
        (
            "expired",
            idp.sign(admin_claims(json!({"exp": now - 1}))).unwrap(),
        ),
        ("another user pool", other_pool.sign(claims).unwrap()),
        ("not a token", "not.a.token".to_string()),
    ]
}

/// `path` with each `{param}` filled in with something plausible.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                "0193f7a2-8c4d-7e21-b5a0-4c3d2e1f0a9b".to_string()
            } else {
                segment.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn call(app: &TestApp, method: &str, path: &str, token: Option<&str>) -> u16 {
    let body = matches!(method, "POST" | "PUT" | "PATCH").then(|| "{}".to_string());
    app.send(method, path, token, &[], body).await.status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_route_lets_a_forged_token_in() {
    let app = spawn_app().await;
    app.create_product("KITE", 2_500, 5).await;
    let forged = forged_tokens(app.identity_provider());
    let routes: Vec<_> = app
        .stack
        .stack
        .functions
        .iter()
        .flat_map(|f| f.routes.iter().map(move |r| (f.binary.clone(), r.clone())))
        .collect();
    assert!(routes.len() > 60, "{} routes", routes.len());
    let mut checked = 0;
    for (binary, route) in &routes {
        let path = concrete(&route.path);
        let anonymous = call(&app, &route.method, &path, None).await;
        for (kind, token) in &forged {
            let status = call(&app, &route.method, &path, Some(token)).await;
            checked += 1;
            if !route.public {
                // The authorizer refuses it before any function runs.
                assert_eq!(
                    status, 401,
                    "{kind} on {} {} ({binary})",
                    route.method, route.path
                );
            } else if path.starts_with("/carts") {
                // Signing in is optional here: a token that is sent is checked.
                assert_eq!(
                    status, 401,
                    "{kind} on {} {} ({binary})",
                    route.method, route.path
                );
            } else {
                // Public routes read no token: a forged one changes nothing.
                assert_eq!(
                    status, anonymous,
                    "{kind} on {} {} ({binary})",
                    route.method, route.path
                );
            }
        }
    }
    println!("{checked} forged requests over {} routes", routes.len());

    // The refusals are the tokens', not the routes': a real administrator
    // gets in, and the product the forged requests aimed at is unchanged.
    let admin = app.admin_token();
    assert_eq!(call(&app, "GET", "/admin/orders", Some(&admin)).await, 200);
    let product = app.get("/products/KITE", None).await;
    assert_eq!(product.status, 200, "{product:?}");
    assert_eq!(product.body["price"]["amount"], 2_500);
    let (on_hand, _, _) = app.stock("KITE").await;
    assert_eq!(on_hand, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_websocket_api_takes_only_tickets_it_issued_to_a_verified_caller() {
    let app = spawn_app().await;
    for (kind, token) in forged_tokens(app.identity_provider()) {
        // No ticket for a forged token...
        let r = app
            .post("/realtime/tickets", Some(&token), json!({"scope": "admin"}))
            .await;
        assert_eq!(r.status, 401, "{kind}: {r:?}");
        // ...and a token is not a ticket.
        assert_eq!(app.connect_with(&token).await.err(), Some(401), "{kind}");
    }
    // A real token is not a ticket either; the ticket it gets opens the door.
    let alice = app.token("alice-sockets");
    assert_eq!(app.connect_with(&alice).await.err(), Some(401));
    let ticket = app.ticket(&alice, "customer").await;
    assert!(app
        .connect_with(ticket["ticket"].as_str().unwrap())
        .await
        .is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhooks_refuse_forged_signatures_and_bearer_tokens() {
    let app = spawn_app().await;
    let now = tests::chrono_now();
    let admin = app.admin_token();
    for (path, header, secret, body) in [
        (
            "/webhooks/payments",
            "stripe-signature",
            local::LOCAL_PAYMENT_WEBHOOK_SECRET,
            json!({"id": "evt_forged", "type": "charge.refunded",
                   "data": {"object": {"id": "pi_forged", "amount_refunded": 100}}}),
        ),
        (
            "/webhooks/carrier",
            "carrier-signature",
            local::LOCAL_CARRIER_WEBHOOK_SECRET,
            json!({"eventId": "evt-forged", "trackingNumber": "LC000000000000",
                   "type": "delivered", "occurredAt": "2030-01-01T10:00:00Z"}),
        ),
    ] {
        let body = body.to_string();
        let sign = |secret: &str, at: i64, body: &str| {
            shared::webhooks::signature::sign(secret, at, body.as_bytes()).unwrap()
        };
        let other_body = body.replace("forged", "other");
        for (kind, signature, token) in [
            ("unsigned", None, None),
            ("unsigned with an admin's token", None, Some(admin.as_str())),
            (
                "another secret",
                Some(sign("whsec_someone_else", now, &body)),
                None,
            ),
            (
                "another body's signature",
                Some(sign(secret, now, &other_body)),
                None,
            ),
            (
                "a stale signature",
                Some(sign(secret, now - 400, &body)),
                None,
            ),
            (
                "a future signature",
                Some(sign(secret, now + 400, &body)),
                None,
            ),
            ("garbage", Some("t=1,v1=00".to_string()), None),
        ] {
            let headers: Vec<(&str, &str)> = signature
                .as_deref()
                .map(|s| vec![(header, s)])
                .unwrap_or_default();
            let r = app
                .send("POST", path, token, &headers, Some(body.clone()))
                .await;
            assert_eq!(r.status, 400, "{path}, {kind}: {r:?}");
            assert_eq!(
                r.body["error"]["code"], "invalid_signature",
                "{path}, {kind}"
            );
        }
    }
}
