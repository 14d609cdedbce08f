//! `make dev`: the whole service on loopback, in the foreground until Ctrl-C.

use std::net::SocketAddr;

use anyhow::Context;
use local::identity::LocalIdentityProvider;
use local::{project_root, seed::seed_demo_catalog, Emulator, LocalStack};

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
    let idp = LocalIdentityProvider::load_or_create(&root.join(".local/jwt"))?;

    let emulator = Emulator::start(&root, emulator_port).await?;
    let sdk = emulator.sdk_config().await;
    let listen: SocketAddr = format!("127.0.0.1:{port}").parse()?;
    let stack = LocalStack::start(&root, &sdk, "order-service", listen, &idp)
        .await
        .context("provisioning the local stack")?;
    seed_demo_catalog(&stack.app)
        .await
        .context("seeding the demo catalog")?;

    let url = &stack.base_url;
    println!(
        r#"
Order Service is running at {url}
  emulator (moto):  {emulator}   state machine, tables and queues from template.yaml
  workers:          reserve-stock, charge-payment, fulfil-order, notify-customer,
                    release-stock, refund-payment, mark-order-failed (SQS)
  payments:         sandbox gateway (pm_card_visa pays, pm_card_chargeDeclined… declines)
  e-mails sent:     {emulator}/moto-api/data.json (under "ses")

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
