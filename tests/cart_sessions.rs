//! Cart sessions: a signed-in customer's current cart from any device, and
//! claiming the anonymous cart they filled before signing in.

use serde_json::{json, Value};
use tests::{spawn_app, TestApp};

fn lines(cart: &Value) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = cart["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["sku"].as_str().unwrap().to_string(),
                l["quantity"].as_i64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

async fn claim(app: &TestApp, cart: &str, token: Option<&str>) -> tests::Reply {
    app.send("POST", &format!("/carts/{cart}/claim"), token, &[], None)
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_with_an_anonymous_cart_merges_it_into_the_open_one_once() {
    let app = spawn_app().await;
    app.create_product("SESS-A", 1_000, 50).await;
    app.create_product("SESS-B", 500, 50).await;
    let alice = app.token("alice-sessions");

    // No cart yet.
    let r = app.get("/carts/current", Some(&alice)).await;
    assert_eq!(r.status, 404, "{:?}", r.body);
    assert_eq!(r.body["error"]["code"], "not_found");
    assert_eq!(app.get("/carts/current", None).await.status, 401);

    // On her phone, signed in: that cart is her current one everywhere.
    let phone = app.cart_with(Some(&alice), &[("SESS-A", 1)]).await;
    let r = app.get("/carts/current", Some(&alice)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["cartId"], phone);

    // On her laptop, before signing in.
    let laptop = app.cart_with(None, &[("SESS-A", 2), ("SESS-B", 3)]).await;
    let r = claim(&app, &laptop, Some(&alice)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["cartId"], phone, "merged into the open cart");
    let merged = lines(&r.body);
    assert_eq!(
        merged,
        vec![("SESS-A".to_string(), 3), ("SESS-B".to_string(), 3)]
    );
    assert_eq!(r.body["total"]["amount"], 3 * 1_000 + 3 * 500);

    // Claiming again (a retried request, a second tab) changes nothing.
    let again = claim(&app, &laptop, Some(&alice)).await;
    assert_eq!(again.status, 200, "{:?}", again.body);
    assert_eq!(again.body["cartId"], phone);
    assert_eq!(lines(&again.body), merged);

    // The laptop's cart says where it went, to her only.
    let r = app.get(&format!("/carts/{laptop}"), Some(&alice)).await;
    assert_eq!(r.body["status"], "MERGED", "{:?}", r.body);
    assert_eq!(r.body["mergedInto"], phone);
    assert_eq!(app.get(&format!("/carts/{laptop}"), None).await.status, 404);
    // And it takes no more changes.
    let r = app
        .post(
            &format!("/carts/{laptop}/items"),
            Some(&alice),
            json!({"sku": "SESS-A", "quantity": 1}),
        )
        .await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    assert_eq!(r.body["error"]["code"], "cart_checked_out");

    // Someone else's cart cannot be claimed, merged or not.
    let bob = app.token("bob-sessions");
    assert_eq!(claim(&app, &laptop, Some(&bob)).await.status, 404);
    assert_eq!(claim(&app, &phone, Some(&bob)).await.status, 404);
    assert_eq!(claim(&app, &laptop, None).await.status, 401);
    assert_eq!(
        claim(&app, "00000000-0000-4000-8000-000000000000", Some(&bob))
            .await
            .status,
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_without_an_open_cart_takes_the_anonymous_one_over() {
    let app = spawn_app().await;
    app.create_product("SESS-C", 700, 50).await;
    let carol = app.token("carol-sessions");
    let anonymous = app.cart_with(None, &[("SESS-C", 2)]).await;
    let r = claim(&app, &anonymous, Some(&carol)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["cartId"], anonymous);
    assert_eq!(r.body["status"], "OPEN");
    let r = app.get("/carts/current", Some(&carol)).await;
    assert_eq!(r.body["cartId"], anonymous);
    // It is hers now: no longer anyone's who has the link.
    assert_eq!(
        app.get(&format!("/carts/{anonymous}"), None).await.status,
        404
    );

    // Once checked out it is not current any more.
    let r = app
        .checkout(
            &anonymous,
            &carol,
            "sessions-1",
            &tests::checkout_body("Carol"),
        )
        .await;
    assert_eq!(r.status, 202, "{:?}", r.body);
    assert_eq!(app.get("/carts/current", Some(&carol)).await.status, 404);
    let r = claim(&app, &anonymous, Some(&carol)).await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    assert_eq!(r.body["error"]["code"], "cart_checked_out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_give_the_cart_to_one_customer_and_merge_it_once() {
    let app = spawn_app().await;
    app.create_product("SESS-D", 100, 50).await;
    let alice = app.token("alice-race");
    let bob = app.token("bob-race");
    let current = app.cart_with(Some(&alice), &[("SESS-D", 1)]).await;
    let anonymous = app.cart_with(None, &[("SESS-D", 4)]).await;

    let claims = (0..8).map(|i| {
        let token = if i % 2 == 0 {
            alice.clone()
        } else {
            bob.clone()
        };
        let app = &app;
        let anonymous = anonymous.clone();
        async move { (i % 2 == 0, claim(app, &anonymous, Some(&token)).await) }
    });
    let results = futures::future::join_all(claims).await;
    let alice_won = results
        .iter()
        .any(|(is_alice, r)| *is_alice && r.status == 200);
    for (is_alice, r) in &results {
        // The winner's every claim answers the same cart; the other's none.
        if *is_alice == alice_won {
            assert_eq!(r.status, 200, "{:?}", r.body);
        } else {
            assert_eq!(r.status, 404, "{:?}", r.body);
        }
    }
    if alice_won {
        let r = app.get("/carts/current", Some(&alice)).await;
        assert_eq!(r.body["cartId"], current);
        assert_eq!(
            lines(&r.body),
            vec![("SESS-D".to_string(), 5)],
            "merged once"
        );
        assert_eq!(app.get("/carts/current", Some(&bob)).await.status, 404);
    } else {
        let r = app.get("/carts/current", Some(&bob)).await;
        assert_eq!(r.body["cartId"], anonymous);
        assert_eq!(lines(&r.body), vec![("SESS-D".to_string(), 4)]);
        let r = app.get("/carts/current", Some(&alice)).await;
        assert_eq!(lines(&r.body), vec![("SESS-D".to_string(), 1)]);
    }
}
