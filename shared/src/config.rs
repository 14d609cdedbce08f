//! Configuration read once at cold start from the environment that
//! `template.yaml` (or the local runner) sets.

use std::env;

use crate::secrets::Secret;

/// Names of the DynamoDB tables the service uses.
#[derive(Clone, Debug)]
pub struct Tables {
    pub products: String,
    pub inventory_ledger: String,
    pub carts: String,
    pub orders: String,
    pub idempotency: String,
    pub counters: String,
    pub promotions: String,
    pub reports: String,
    pub analytics: String,
    /// Shop settings, shipping options and tax rates.
    pub shop: String,
    /// Real-time tickets and WebSocket connections.
    pub connections: String,
    /// Webhook subscriptions and their deliveries.
    pub webhooks: String,
    /// Erasures of customers' personal data.
    pub erasures: String,
}

/// Domain events and what consumes them: the bus, the outbound webhooks
/// and the erasure of personal data.
#[derive(Clone, Debug)]
pub struct Integrations {
    /// The EventBridge bus domain events are published to (`EVENT_BUS_NAME`).
    pub event_bus: String,
    /// The events' `source` (`EVENT_SOURCE`, default `order-service`).
    pub event_source: String,
    /// The queue erasure requests go to (`ERASURE_QUEUE_URL`).
    pub erasure_queue_url: Option<String>,
    /// How long an erasure waits for orders in progress before it looks
    /// again (`ERASURE_RECHECK_SECONDS`, at most SQS's 900).
    pub erasure_recheck_seconds: i32,
    /// The queue webhook deliveries wait in (`WEBHOOK_DELIVERIES_QUEUE_URL`).
    pub webhook_deliveries_queue_url: Option<String>,
    /// Where a delivery goes after its last retry (`WEBHOOK_DLQ_URL`).
    pub webhook_dlq_url: Option<String>,
    /// Seconds before each retry (`WEBHOOK_RETRY_DELAYS`, comma-separated;
    /// by default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h: eight attempts
    /// over about 27.6 hours).
    pub webhook_retry_delays: Vec<i32>,
    /// Lets subscriptions use `http://` on a loopback address
    /// (`WEBHOOKS_ALLOW_LOOPBACK=true`); only the local stack sets it.
    pub webhooks_allow_loopback: bool,
}

/// The default webhook retry schedule, in seconds.
pub const WEBHOOK_RETRY_DELAYS: [i32; 7] = [5, 300, 1800, 7200, 18000, 36000, 36000];

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
    /// How long after delivery a customer may ask for a return.
    pub return_window_days: u32,
    /// Who gets low-stock alerts and reports (`ADMIN_EMAILS`, comma-separated).
    pub admin_emails: Vec<String>,
    /// Where parcels are shipped from (the return address on labels).
    pub ship_from: crate::domain::checkout::Address,
    /// The secret the carrier signs its webhooks with.
    pub carrier_webhook_secret: Option<Secret>,
    /// `sandbox` (the default) or `stripe`.
    pub payment_gateway: String,
    /// Where the Stripe adapter sends its requests.
    pub stripe_api_base: String,
    /// Stripe's secret API key (`STRIPE_SECRET_KEY_ARN` in AWS).
    pub stripe_secret_key: Option<Secret>,
    /// The secret the payment gateway signs its webhooks with.
    pub payment_webhook_secret: Option<Secret>,
    /// The fulfilment mode until an administrator saves the settings
    /// (`FULFILMENT_MODE`: MANUAL, the default, or AUTOMATIC).
    pub default_fulfilment_mode: crate::domain::settings::FulfilmentMode,
    /// The WebSocket URL real-time tickets are for (`REALTIME_URL`).
    pub realtime_url: Option<String>,
    /// Where the WebSocket API's `@connections` management API is
    /// (`REALTIME_MANAGEMENT_URL`), for the notifier.
    pub realtime_management_url: Option<String>,
    /// How long an order may stay PENDING before the sweeper starts its
    /// workflow (`STRANDED_ORDER_GRACE_SECONDS`, default 300).
    pub stranded_order_grace_seconds: i64,
    /// How long a claim to send an e-mail keeps others from sending it
    /// (`NOTIFICATION_LEASE_SECONDS`, default 15: longer than a function may
    /// run, shorter than a message's visibility timeout).
    pub notification_lease_seconds: u64,
    pub integrations: Integrations,
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
            promotions: or("PROMOTIONS_TABLE", "Promotions"),
            reports: or("REPORTS_TABLE", "Reports"),
            analytics: or("ANALYTICS_TABLE", "Analytics"),
            shop: or("SHOP_TABLE", "Shop"),
            connections: or("CONNECTIONS_TABLE", "Connections"),
            webhooks: or("WEBHOOKS_TABLE", "Webhooks"),
            erasures: or("ERASURES_TABLE", "Erasures"),
        };
        let delays: Vec<i32> = lookup("WEBHOOK_RETRY_DELAYS")
            .map(|v| {
                v.split(',')
                    .filter_map(|d| d.trim().parse::<i32>().ok())
                    .filter(|d| (0..=43_200).contains(d))
                    .collect()
            })
            .unwrap_or_else(|| WEBHOOK_RETRY_DELAYS.to_vec());
        let integrations = Integrations {
            event_bus: or("EVENT_BUS_NAME", "order-service"),
            event_source: or("EVENT_SOURCE", "order-service"),
            erasure_queue_url: lookup("ERASURE_QUEUE_URL").filter(|u| !u.is_empty()),
            erasure_recheck_seconds: or("ERASURE_RECHECK_SECONDS", "900")
                .parse::<i32>()
                .unwrap_or(900)
                .clamp(0, 900),
            webhook_deliveries_queue_url: lookup("WEBHOOK_DELIVERIES_QUEUE_URL")
                .filter(|u| !u.is_empty()),
            webhook_dlq_url: lookup("WEBHOOK_DLQ_URL").filter(|u| !u.is_empty()),
            webhook_retry_delays: delays,
            webhooks_allow_loopback: lookup("WEBHOOKS_ALLOW_LOOPBACK").as_deref() == Some("true"),
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
            return_window_days: or("RETURN_WINDOW_DAYS", "30").parse().unwrap_or(30),
            stranded_order_grace_seconds: or("STRANDED_ORDER_GRACE_SECONDS", "300")
                .parse::<i64>()
                .unwrap_or(300)
                .max(0),
            notification_lease_seconds: or("NOTIFICATION_LEASE_SECONDS", "15")
                .parse()
                .unwrap_or(15),
            admin_emails: or("ADMIN_EMAILS", "")
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect(),
            ship_from: crate::domain::checkout::Address {
                line1: or("SHIP_FROM_LINE1", "1 Warehouse Way"),
                line2: lookup("SHIP_FROM_LINE2").filter(|s| !s.trim().is_empty()),
                city: or("SHIP_FROM_CITY", "Springfield"),
                region: lookup("SHIP_FROM_REGION").filter(|s| !s.trim().is_empty()),
                postal_code: or("SHIP_FROM_POSTAL_CODE", "62701"),
                country: or("SHIP_FROM_COUNTRY", "US"),
            },
            carrier_webhook_secret: Secret::from_lookup("CARRIER_WEBHOOK_SECRET", &lookup),
            payment_gateway: or("PAYMENT_GATEWAY", "sandbox"),
            stripe_api_base: or("STRIPE_API_BASE", crate::payments::stripe::DEFAULT_API_BASE),
            stripe_secret_key: Secret::from_lookup("STRIPE_SECRET_KEY", &lookup),
            payment_webhook_secret: Secret::from_lookup("PAYMENT_WEBHOOK_SECRET", &lookup),
            default_fulfilment_mode: lookup("FULFILMENT_MODE")
                .and_then(|m| crate::domain::settings::FulfilmentMode::parse(&m))
                .unwrap_or_default(),
            realtime_url: lookup("REALTIME_URL").filter(|u| !u.is_empty()),
            realtime_management_url: lookup("REALTIME_MANAGEMENT_URL").filter(|u| !u.is_empty()),
            integrations,
        }
    }
}
