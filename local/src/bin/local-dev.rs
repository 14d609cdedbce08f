//! `make dev`: the whole service on loopback, in the foreground until Ctrl-C.

use std::net::SocketAddr;

use anyhow::Context;
use local::identity::LocalIdentityProvider;
use local::seed::{seed_demo_catalog, seed_demo_shop};
use local::webapp::{local_config, WebApp};
use local::{project_root, Emulator, LocalStack, StackOptions};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber_init();
    let root = project_root()?;
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);
    let emulator_port: u16 = std::env::var("EMULATOR_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let admin_port: u16 = std::env::var("ADMIN_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(local::ADMIN_WEB_PORT);
    let realtime_port: u16 = std::env::var("REALTIME_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(local::REALTIME_PORT);
    let storefront_port: u16 = std::env::var("STOREFRONT_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(local::STOREFRONT_WEB_PORT);
    let idp = LocalIdentityProvider::load_or_create(&root.join(".local/jwt"))?;

    let emulator = Emulator::start(&root, emulator_port).await?;
    let sdk = emulator.sdk_config().await;
    let listen: SocketAddr = format!("127.0.0.1:{port}").parse()?;
    let options = StackOptions {
        web_origins: local::loopback_origins(&[admin_port, storefront_port]),
        realtime_listen: SocketAddr::from(([127, 0, 0, 1], realtime_port)),
        ..StackOptions::default()
    };
    let stack =
        LocalStack::start_with_options(&root, &sdk, "order-service", listen, &idp, &options)
            .await
            .context("provisioning the local stack")?;
    seed_demo_catalog(&stack.app)
        .await
        .context("seeding the demo catalog")?;
    seed_demo_shop(&stack.app)
        .await
        .context("seeding the demo shipping options and tax rates")?;

    let url = &stack.base_url;
    let realtime_url = stack.realtime_url.clone().unwrap_or_default();
    // The pages may call the API and open the WebSocket API.
    let connect_origins = vec![
        url.clone(),
        realtime_url
            .rsplit_once('/')
            .map_or(realtime_url.clone(), |(origin, _)| origin.to_string()),
    ];
    let admin = WebApp {
        dist: root.join("web/apps/admin/dist"),
        config: local_config(url),
        connect_origins: connect_origins.clone(),
    };
    let admin_listen: SocketAddr = format!("127.0.0.1:{admin_port}").parse()?;
    let (admin_addr, _admin_task) = admin
        .serve(admin_listen)
        .await
        .with_context(|| format!("serving the admin dashboard on {admin_listen}"))?;
    let admin_url = format!("http://{admin_addr}");
    let storefront = WebApp {
        dist: root.join("web/apps/storefront/dist"),
        config: local_config(url),
        connect_origins: connect_origins.clone(),
    };
    let storefront_listen: SocketAddr = format!("127.0.0.1:{storefront_port}").parse()?;
    let (storefront_addr, _storefront_task) = storefront
        .serve(storefront_listen)
        .await
        .with_context(|| format!("serving the storefront on {storefront_listen}"))?;
    let storefront_url = format!("http://{storefront_addr}");
    println!(
        r#"
Order Service is running at {url}
  storefront:       {storefront_url}   shop as a visitor, sign in as alice or bob
  admin dashboard:  {admin_url}   sign in as root (administrator), or alice/bob (customers)
  order updates:    {realtime_url}   WebSocket; tickets from POST {url}/realtime/tickets
  emulator (moto):  {emulator}   state machine, tables and queues from template.yaml
  workers:          reserve-stock, charge-payment, fulfil-order, notify-customer,
                    release-stock, refund-payment, mark-order-failed (SQS)
  payments:         sandbox gateway (pm_card_visa pays, pm_card_chargeDeclined… declines)
  e-mails sent:     {emulator}/moto-api/data.json (under "ses")

Sign-in (OIDC, authorization code + PKCE): {url}/local-idp/.well-known/openid-configuration
Tokens (RS256, issuer {issuer}, audience {audience}):
  export TOKEN=$(make -s token SUB=alice)
  export ADMIN=$(make -s token SUB=root ADMIN=1)

Try it:
  curl -s {url}/products
  CART=$(curl -s -X POST {url}/carts -H "Authorization: Bearer $TOKEN" | sed 's/.*"cartId":"\([^"]*\)".*/\1/')
  curl -s -X POST {url}/carts/$CART/items -H "Authorization: Bearer $TOKEN" -d '{{"sku":"MUG-LOGO","quantity":2}}'
  curl -s -X POST {url}/carts/$CART/checkout -H "Authorization: Bearer $TOKEN" -H "Idempotency-Key: $(date +%s%N)" \
    -d '{{"customer":{{"name":"Ada Lovelace","email":"ada@example.com","phone":"+15555550100"}},"shippingAddress":{{"line1":"1 Main St","city":"Springfield","region":"IL","postalCode":"62701","country":"US"}},"payment":{{"methodToken":"pm_card_visa"}}}}'
  curl -s {url}/orders -H "Authorization: Bearer $TOKEN"
  curl -s {url}/admin/inventory -H "Authorization: Bearer $ADMIN"

Ctrl-C stops everything.
"#,
        emulator = emulator.endpoint,
        issuer = local::identity::ISSUER,
        audience = local::identity::AUDIENCE,
    );
    tokio::signal::ctrl_c().await?;
    println!("stopping");
    drop(stack);
    drop(emulator);
    Ok(())
}

fn tracing_subscriber_init() {
    shared::telemetry::init();
}
