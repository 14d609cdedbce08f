//! What a browser needs from the local stack: the identity provider's OIDC
//! sign-in (authorization code with PKCE, as against Cognito's hosted UI),
//! and a web app served as CloudFront serves it.

use std::collections::HashMap;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tests::spawn_app;

const APP: &str = "http://127.0.0.1:3001";
const CALLBACK: &str = "http://127.0.0.1:3001/auth/callback";

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn query_of(location: &str) -> HashMap<String, String> {
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

fn claims_of(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// The authorization request an app sends, as form pairs.
fn authorize_params(verifier: &str, redirect_uri: &str) -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "code".into()),
        ("client_id", local::identity::AUDIENCE.into()),
        ("redirect_uri", redirect_uri.into()),
        ("scope", "openid email profile".into()),
        ("state", "state-123".into()),
        ("nonce", "nonce-456".into()),
        ("code_challenge", challenge(verifier)),
        ("code_challenge_method", "S256".into()),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_signs_in_with_code_and_pkce_and_its_id_token_opens_the_api() {
    let app = spawn_app().await;
    let http = no_redirects();

    let discovery: Value = http
        .get(format!(
            "{}/local-idp/.well-known/openid-configuration",
            app.url
        ))
        .header("origin", APP)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["issuer"], local::identity::ISSUER);
    assert_eq!(discovery["code_challenge_methods_supported"][0], "S256");
    let authorize = discovery["authorization_endpoint"].as_str().unwrap();
    let token_endpoint = discovery["token_endpoint"].as_str().unwrap();
    assert!(authorize.starts_with(&app.url));

    // The sign-in page lists the demo users, the administrator among them.
    let verifier = "a-verifier-of-at-least-forty-three-characters-0123456789";
    let params = authorize_params(verifier, CALLBACK);
    let page = http.get(authorize).query(&params).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Sign in as root (administrator)"), "{html}");
    assert!(html.contains("Sign in as alice (customer)"));

    // Choosing a user redirects back to the app with a code and its state.
    let mut form = params.clone();
    form.push(("user", "root".into()));
    let chosen = http.post(authorize).form(&form).send().await.unwrap();
    assert_eq!(chosen.status().as_u16(), 302);
    let location = chosen.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(CALLBACK), "{location}");
    let answer = query_of(&location);
    assert_eq!(answer["state"], "state-123");
    let code = answer["code"].clone();

    // A wrong verifier is refused, and the code is then spent.
    let exchange = |code: String, verifier: &'static str| {
        http.post(token_endpoint)
            .header("origin", APP)
            .form(&[
                ("grant_type", "authorization_code".to_string()),
                ("client_id", local::identity::AUDIENCE.to_string()),
                ("redirect_uri", CALLBACK.to_string()),
                ("code", code),
                ("code_verifier", verifier.to_string()),
            ])
            .send()
    };
    let wrong = exchange(
        code.clone(),
        "another-verifier-entirely-0123456789-abcdefgh",
    )
    .await
    .unwrap();
    assert_eq!(wrong.status().as_u16(), 400);
    assert_eq!(
        wrong.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );

    // A fresh sign-in, exchanged with the right verifier, gives tokens.
    let chosen = http.post(authorize).form(&form).send().await.unwrap();
    let code = query_of(chosen.headers()["location"].to_str().unwrap())["code"].clone();
    let tokens = exchange(code.clone(), verifier).await.unwrap();
    assert_eq!(tokens.status().as_u16(), 200);
    assert_eq!(tokens.headers()["access-control-allow-origin"], APP);
    assert_eq!(tokens.headers()["cache-control"], "no-store");
    let tokens: Value = tokens.json().await.unwrap();
    let id_token = tokens["id_token"].as_str().unwrap();
    let claims = claims_of(id_token);
    assert_eq!(claims["sub"], "root");
    assert_eq!(claims["aud"], local::identity::AUDIENCE);
    assert_eq!(claims["nonce"], "nonce-456");
    assert_eq!(claims["cognito:groups"][0], "admin");

    // A code works once.
    let again = exchange(code, verifier).await.unwrap();
    assert_eq!(again.status().as_u16(), 400);

    // The ID token opens the admin API; a customer's is refused there.
    let orders = app.get("/admin/orders", Some(id_token)).await;
    assert_eq!(orders.status, 200, "{:?}", orders.body);
    let mut form = params.clone();
    form.push(("user", "alice".into()));
    let chosen = http.post(authorize).form(&form).send().await.unwrap();
    let code = query_of(chosen.headers()["location"].to_str().unwrap())["code"].clone();
    let tokens: Value = exchange(code, verifier)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let alice = tokens["id_token"].as_str().unwrap();
    assert_eq!(claims_of(alice)["sub"], "alice");
    assert!(claims_of(alice).get("cognito:groups").is_none());
    assert_eq!(app.get("/admin/orders", Some(alice)).await.status, 403);
    assert_eq!(app.get("/orders", Some(alice)).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sign_in_page_refuses_unregistered_apps_and_callbacks_without_redirecting() {
    let app = spawn_app().await;
    let http = no_redirects();
    let authorize = format!("{}/local-idp/authorize", app.url);
    let verifier = "a-verifier-of-at-least-forty-three-characters-0123456789";

    let foreign = authorize_params(verifier, "https://evil.example/callback");
    let page = http.get(&authorize).query(&foreign).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 400);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("not one of the application"));
    let mut form = foreign.clone();
    form.push(("user", "root".into()));
    let posted = http.post(&authorize).form(&form).send().await.unwrap();
    assert_eq!(
        posted.status().as_u16(),
        400,
        "no code leaves for a foreign site"
    );
    assert!(posted.headers().get("location").is_none());

    let mut unknown_client = authorize_params(verifier, CALLBACK);
    unknown_client[1].1 = "someone-else".into();
    let page = http
        .get(&authorize)
        .query(&unknown_client)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 400);

    let mut no_pkce = authorize_params(verifier, CALLBACK);
    no_pkce.retain(|(k, _)| !k.starts_with("code_challenge"));
    let page = http.get(&authorize).query(&no_pkce).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 400);
    assert!(page.text().await.unwrap().contains("PKCE is required"));

    // Sign-out returns only to a registered app.
    let out = http
        .get(format!("{}/local-idp/logout", app.url))
        .query(&[("post_logout_redirect_uri", format!("{APP}/"))])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status().as_u16(), 302);
    assert_eq!(out.headers()["location"], format!("{APP}/"));
    let out = http
        .get(format!("{}/local-idp/logout", app.url))
        .query(&[("post_logout_redirect_uri", "https://evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_web_app_is_served_with_spa_fallback_its_config_and_security_headers() {
    let dist = std::env::temp_dir().join(format!("web-dist-{}", std::process::id()));
    std::fs::create_dir_all(dist.join("assets")).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>Admin</title>",
    )
    .unwrap();
    std::fs::write(dist.join("assets/app-1234.js"), "console.log(1)").unwrap();
    let app = local::webapp::WebApp {
        dist: dist.clone(),
        config: local::webapp::local_config("http://127.0.0.1:3000"),
        connect_origins: vec!["http://127.0.0.1:3000".into()],
    };
    let (addr, _task) = app.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let base = format!("http://{addr}");
    let http = no_redirects();

    let config: Value = http
        .get(format!("{base}/config.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(config["apiUrl"], "http://127.0.0.1:3000");
    assert_eq!(config["oidc"]["clientId"], local::identity::AUDIENCE);
    assert_eq!(
        config["oidc"]["metadataUrl"],
        "http://127.0.0.1:3000/local-idp/.well-known/openid-configuration"
    );

    // A route of the app answers index.html; an asset is served as itself.
    let route = http.get(format!("{base}/orders/123")).send().await.unwrap();
    assert_eq!(route.status().as_u16(), 200);
    let csp = route.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("connect-src 'self' http://127.0.0.1:3000"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(route.headers()["x-content-type-options"], "nosniff");
    assert!(route.text().await.unwrap().contains("<title>Admin</title>"));
    let asset = http
        .get(format!("{base}/assets/app-1234.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(asset.status().as_u16(), 200);
    assert!(asset.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(asset.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));

    // A missing asset is a 404, never the page; nothing outside dist is served.
    let missing = http
        .get(format!("{base}/assets/gone.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    let secret = format!("secret-{}.txt", std::process::id());
    std::fs::write(std::env::temp_dir().join(&secret), "not for the web").unwrap();
    let raw = raw_get(addr, &format!("/../{secret}")).await;
    assert!(raw.starts_with("HTTP/1.1 404"), "{raw}");
    assert!(!raw.contains("not for the web"));
    std::fs::remove_file(std::env::temp_dir().join(secret)).ok();
    std::fs::remove_dir_all(dist).ok();
}

/// A GET with the path sent exactly as given (an HTTP client would normalise `..`).
async fn raw_get(addr: std::net::SocketAddr, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_worker_holds_orders_at_its_step_until_it_resumes() {
    let app = spawn_app().await;
    app.create_product("MUG", 1_400, 10).await;
    let alice = app.token("alice");
    let pause = app
        .post(
            "/local/workers/fulfil-order/pause",
            None,
            serde_json::json!({}),
        )
        .await;
    assert_eq!(pause.status, 200, "{:?}", pause.body);
    assert_eq!(pause.body["paused"], true);

    let cart = app.cart_with(Some(&alice), &[("MUG", 2)]).await;
    let placed = app
        .checkout(&cart, &alice, "held-1", &tests::checkout_body("Ada"))
        .await;
    assert_eq!(placed.status, 202, "{:?}", placed.body);
    let order = format!("/orders/{}", placed.body["orderId"].as_str().unwrap());

    // Paid, and it stays paid while fulfilment is paused.
    let mut status = String::new();
    for _ in 0..200 {
        status = app.get(&order, Some(&alice)).await.body["status"]
            .as_str()
            .unwrap()
            .to_string();
        if status == "PAID" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, "PAID");
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(app.get(&order, Some(&alice)).await.body["status"], "PAID");

    let resume = app
        .post(
            "/local/workers/fulfil-order/resume",
            None,
            serde_json::json!({}),
        )
        .await;
    assert_eq!(resume.body["paused"], false);
    let settled = app
        .settled_order(placed.body["orderId"].as_str().unwrap(), &alice)
        .await;
    assert_eq!(settled["status"], "SHIPPED");

    let unknown = app
        .post(
            "/local/workers/no-such-worker/pause",
            None,
            serde_json::json!({}),
        )
        .await;
    assert_eq!(unknown.status, 404);
}
