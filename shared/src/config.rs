//! Configuration read once at cold start from the environment that
//! `template.yaml` (or the local runner) sets.

use std::env;

/// Names of the DynamoDB tables the service uses.
#[derive(Clone, Debug)]
pub struct Tables {
    pub products: String,
    pub inventory_ledger: String,
    pub carts: String,
    pub orders: String,
    pub idempotency: String,
    pub counters: String,
}

/// Everything a function needs to know about its surroundings.
#[derive(Clone, Debug)]
pub struct Config {
    pub tables: Tables,
    /// ARN of the order workflow state machine.
    pub order_workflow_arn: String,
    /// The currency the shop sells in (ISO 4217).
    pub currency: String,
    /// How long an untouched cart lives, in seconds.
    pub cart_ttl_seconds: i64,
    /// Where the identity provider publishes its signing keys, used on the
    /// routes where signing in is optional (carts).
    pub jwt: Option<crate::auth::JwtSettings>,
    /// The verified SES identity e-mails are sent from.
    pub email_from: String,
    /// The shop's name in e-mails.
    pub shop_name: String,
    /// The secret the carrier signs its webhooks with.
    pub carrier_webhook_secret: Option<String>,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| env::var(name).ok())
    }

    /// Reads the configuration from any source of variables (the local
    /// runner passes the environment `template.yaml` gives a function).
    /// Table names fall back to the local defaults.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let or = |name: &str, default: &str| lookup(name).unwrap_or_else(|| default.to_string());
        let tables = Tables {
            products: or("PRODUCTS_TABLE", "Products"),
            inventory_ledger: or("INVENTORY_LEDGER_TABLE", "InventoryLedger"),
            carts: or("CARTS_TABLE", "Carts"),
            orders: or("ORDERS_TABLE", "Orders"),
            idempotency: or("IDEMPOTENCY_TABLE", "Idempotency"),
            counters: or("COUNTERS_TABLE", "Counters"),
        };
        let jwt = match (lookup("JWT_ISSUER"), lookup("JWT_AUDIENCE")) {
            (Some(issuer), Some(audience)) => Some(crate::auth::JwtSettings {
                jwks_url: lookup("JWT_JWKS_URL")
                    .unwrap_or_else(|| format!("{issuer}/.well-known/jwks.json")),
                issuer,
                audience,
            }),
            _ => None,
        };
        Self {
            tables,
            order_workflow_arn: or("ORDER_WORKFLOW_ARN", ""),
            currency: or("SHOP_CURRENCY", "USD"),
            cart_ttl_seconds: or("CART_TTL_SECONDS", "604800").parse().unwrap_or(604_800),
            jwt,
            email_from: or("EMAIL_FROM", "orders@example.com"),
            shop_name: or("SHOP_NAME", "Order Service demo shop"),
            carrier_webhook_secret: lookup("CARRIER_WEBHOOK_SECRET").filter(|s| !s.is_empty()),
        }
    }
}
