//! Customer e-mails: rendered from the templates in `shared/templates/`
//! (HTML and plain text, with minijinja) and sent through SES v2, once per
//! (order, kind) even when a step is delivered twice.

use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use minijinja::{context, Environment, Value};

use crate::domain::money::Money;
use crate::domain::now_rfc3339;
use crate::domain::order::Order;
use crate::store::workflow_steps::Claim;
use crate::App;

/// The e-mails the workflow sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailKind {
    OrderConfirmation,
    Shipped,
    Delivered,
    PaymentFailed,
    Cancelled,
    Backordered,
}

impl EmailKind {
    pub fn name(self) -> &'static str {
        match self {
            EmailKind::OrderConfirmation => "order_confirmation",
            EmailKind::Shipped => "shipped",
            EmailKind::Delivered => "delivered",
            EmailKind::PaymentFailed => "payment_failed",
            EmailKind::Cancelled => "cancelled",
            EmailKind::Backordered => "backordered",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::OrderConfirmation,
            Self::Shipped,
            Self::PaymentFailed,
            Self::Cancelled,
            Self::Backordered,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }

    fn subject(self, order: &Order) -> String {
        let number = &order.order_number;
        match self {
            EmailKind::OrderConfirmation => format!("Order {number} confirmed"),
            EmailKind::Shipped => format!("Order {number} has shipped"),
            EmailKind::Delivered => format!("Order {number} was delivered"),
            EmailKind::PaymentFailed => format!("Payment for order {number} was declined"),
            EmailKind::Cancelled => format!("Order {number} was cancelled"),
            EmailKind::Backordered => format!("Order {number} is on backorder"),
        }
    }
}

/// A rendered e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn money(value: Value) -> String {
    let amount = value
        .get_attr("amount")
        .ok()
        .and_then(|a| i64::try_from(a).ok())
        .unwrap_or(0);
    let currency = value
        .get_attr("currency")
        .map(|c| c.to_string())
        .unwrap_or_default();
    format!("{} {currency}", Money::decimal(amount))
}

/// The two general filters the templates use, `default` and `length`.
/// minijinja's library of built-ins is not compiled in: it was a sixth of
/// the code of every function that sends an e-mail.
pub(crate) fn add_filters(env: &mut Environment<'static>) {
    env.add_filter("default", |value: Value, fallback: Option<Value>| {
        if value.is_undefined() || value.is_none() {
            fallback.unwrap_or_else(|| Value::from(""))
        } else {
            value
        }
    });
    env.add_filter("length", |value: Value| value.len().unwrap_or(0));
}

fn environment() -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    env.add_filter("money", money);
    add_filters(&mut env);
    for (name, source) in [
        ("base.html", include_str!("../../templates/base.html")),
        ("lines.html", include_str!("../../templates/lines.html")),
        (
            "order_confirmation.html",
            include_str!("../../templates/order_confirmation.html"),
        ),
        (
            "order_confirmation.txt",
            include_str!("../../templates/order_confirmation.txt"),
        ),
        ("shipped.html", include_str!("../../templates/shipped.html")),
        ("shipped.txt", include_str!("../../templates/shipped.txt")),
        (
            "delivered.html",
            include_str!("../../templates/delivered.html"),
        ),
        (
            "delivered.txt",
            include_str!("../../templates/delivered.txt"),
        ),
        (
            "payment_failed.html",
            include_str!("../../templates/payment_failed.html"),
        ),
        (
            "payment_failed.txt",
            include_str!("../../templates/payment_failed.txt"),
        ),
        (
            "cancelled.html",
            include_str!("../../templates/cancelled.html"),
        ),
        (
            "cancelled.txt",
            include_str!("../../templates/cancelled.txt"),
        ),
        (
            "backordered.html",
            include_str!("../../templates/backordered.html"),
        ),
        (
            "backordered.txt",
            include_str!("../../templates/backordered.txt"),
        ),
        (
            "refunded.html",
            include_str!("../../templates/refunded.html"),
        ),
        ("refunded.txt", include_str!("../../templates/refunded.txt")),
        (
            "low_stock_alert.html",
            include_str!("../../templates/low_stock_alert.html"),
        ),
        (
            "low_stock_alert.txt",
            include_str!("../../templates/low_stock_alert.txt"),
        ),
        (
            "low_stock_report.html",
            include_str!("../../templates/low_stock_report.html"),
        ),
        (
            "low_stock_report.txt",
            include_str!("../../templates/low_stock_report.txt"),
        ),
    ] {
        env.add_template(name, source)?;
    }
    Ok(env)
}

/// Renders one e-mail for an order; `reason` explains a failure.
pub fn render(
    kind: EmailKind,
    order: &Order,
    reason: Option<&str>,
    shop: &str,
) -> anyhow::Result<Email> {
    let env = environment()?;
    let ctx = context! { order => Value::from(minijinja::value::Serde(order)), reason => reason, shop => shop };
    let html = env
        .get_template(&format!("{}.html", kind.name()))?
        .render(&ctx)?;
    let text = env
        .get_template(&format!("{}.txt", kind.name()))?
        .render(&ctx)?;
    Ok(Email {
        subject: kind.subject(order),
        text,
        html,
    })
}

/// Sends e-mail `kind` for `order` unless it was sent already.
pub async fn notify(
    app: &App,
    order: &Order,
    kind: EmailKind,
    reason: Option<&str>,
) -> anyhow::Result<bool> {
    once(app, &order.order_id, kind.name(), async || {
        let email = render(kind, order, reason, &app.config.shop_name)?;
        send(app, &[order.customer.email.as_str()], &email).await
    })
    .await
}

/// Runs `send` for the e-mail `claim` of an order at least once and, unless
/// an invocation dies between SES's answer and the record of it, once:
/// the claim is taken before sending and marked sent after. A claim whose
/// invocation died before it was marked is taken again once its lease
/// (`NOTIFICATION_LEASE_SECONDS`, longer than a function may run) is over,
/// so a crash never loses an e-mail. `Ok(false)` when it was sent before.
async fn once(
    app: &App,
    order_id: &str,
    claim: &str,
    send: impl AsyncFnOnce() -> anyhow::Result<()>,
) -> anyhow::Result<bool> {
    let store = app.store();
    let lease = std::time::Duration::from_secs(app.config.notification_lease_seconds);
    match store
        .claim_notification(order_id, claim, &now_rfc3339(), lease)
        .await?
    {
        Claim::Claimed => {}
        Claim::Sent => {
            tracing::info!(%order_id, %claim, "e-mail already sent");
            return Ok(false);
        }
        // Failing the message brings it back after the queue's visibility
        // timeout, which is longer than the lease.
        Claim::Held => {
            anyhow::bail!("e-mail {claim} of order {order_id} is being sent by another attempt")
        }
    }
    if let Err(e) = send().await {
        // Give the claim back so the retry sends it.
        store.release_notification(order_id, claim).await?;
        return Err(e);
    }
    if let Err(e) = store
        .notification_sent(order_id, claim, &now_rfc3339())
        .await
    {
        // Sent: failing the step now would only send it again later.
        tracing::error!(%order_id, %claim, error = ?e, "e-mail sent but not marked sent");
    }
    tracing::info!(%order_id, %claim, "e-mail sent");
    Ok(true)
}

/// Formats money for people (used by templates and tests).
pub fn format_money(m: &Money) -> String {
    money(Value::from(minijinja::value::Serde(m)))
}

/// E-mails the customer about a refund, once per refund key.
pub async fn notify_refund(
    app: &App,
    order: &Order,
    key: &str,
    refund: &crate::domain::returns::RefundEntry,
) -> anyhow::Result<bool> {
    let claim = format!("refunded#{key}");
    once(app, &order.order_id, &claim, async || {
        let env = environment()?;
        let ctx = context! {
            order => Value::from(minijinja::value::Serde(order)),
            refund => Value::from(minijinja::value::Serde(refund)),
            shop => app.config.shop_name.clone(),
        };
        let email = Email {
            subject: format!("Refund for order {}", order.order_number),
            html: env.get_template("refunded.html")?.render(&ctx)?,
            text: env.get_template("refunded.txt")?.render(&ctx)?,
        };
        send(app, &[order.customer.email.as_str()], &email).await
    })
    .await
}

/// Sends one e-mail (HTML and text) from the shop's sender identity.
pub async fn send(app: &App, to: &[&str], email: &Email) -> anyhow::Result<()> {
    let content = |text: &str| Content::builder().data(text).charset("UTF-8").build();
    let message = Message::builder()
        .subject(content(&email.subject)?)
        .body(
            Body::builder()
                .text(content(&email.text)?)
                .html(content(&email.html)?)
                .build(),
        )
        .build();
    let mut destination = Destination::builder();
    for address in to {
        destination = destination.to_addresses(*address);
    }
    app.ses
        .send_email()
        .from_email_address(&app.config.email_from)
        .destination(destination.build())
        .content(EmailContent::builder().simple(message).build())
        .send()
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "sending e-mail: {}",
                aws_sdk_sesv2::error::DisplayErrorContext(&e)
            )
        })?;
    Ok(())
}

/// Renders an e-mail to the shop's administrators from `template`
/// (`<template>.html` and `.txt`) with `context`.
pub fn render_admin(
    template: &str,
    subject: String,
    context: minijinja::Value,
) -> anyhow::Result<Email> {
    let env = environment()?;
    Ok(Email {
        subject,
        html: env
            .get_template(&format!("{template}.html"))?
            .render(&context)?,
        text: env
            .get_template(&format!("{template}.txt"))?
            .render(&context)?,
    })
}

/// Sends an e-mail to the administrators (`ADMIN_EMAILS`); nothing, with a
/// warning, when none are configured.
pub async fn send_to_admins(app: &App, email: &Email) -> anyhow::Result<Vec<String>> {
    let to: Vec<&str> = app.config.admin_emails.iter().map(String::as_str).collect();
    if to.is_empty() {
        tracing::warn!(subject = %email.subject, "no ADMIN_EMAILS configured; e-mail not sent");
        return Ok(Vec::new());
    }
    send(app, &to, email).await?;
    Ok(app.config.admin_emails.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::checkout::{Address, Customer};
    use crate::domain::money::Currency;
    use crate::domain::order::{
        OrderLine, OrderStatus, PaymentMethod, PaymentRecord, PaymentStatus, Shipment,
    };
    use crate::domain::product::Sku;

    fn order() -> Order {
        let usd = Currency::parse("USD").unwrap();
        let m = |amount| Money {
            amount,
            currency: usd.clone(),
        };
        Order {
            order_id: "o1".into(),
            order_number: "ORD-000042".into(),
            customer_sub: "alice".into(),
            customer: Customer {
                name: "Ada <Lovelace>".into(),
                email: "ada@example.com".into(),
                phone: None,
            },
            shipping_address: Address {
                line1: "1 Main St".into(),
                line2: None,
                city: "Springfield".into(),
                region: None,
                postal_code: "62701".into(),
                country: "US".into(),
            },
            billing_address: None,
            payment: PaymentMethod {
                method_token: "pm_card_visa".into(),
            },
            lines: vec![OrderLine {
                sku: Sku::parse("MUG").unwrap(),
                name: "Logo mug".into(),
                quantity: 2,
                unit_price: m(1_400),
                line_total: m(2_800),
                discount: None,
                tax: None,
            }],
            subtotal: m(2_800),
            discount: None,
            shipping: None,
            tax: None,
            tax_included: false,
            shipping_option: None,
            total: m(2_800),
            status: OrderStatus::Shipped,
            status_history: vec![],
            cart_id: "c1".into(),
            created_at: "t".into(),
            updated_at: "t".into(),
            stock_state: Default::default(),
            payment_record: Some(PaymentRecord {
                provider: "sandbox".into(),
                status: PaymentStatus::Refunded,
                payment_id: Some("pi_1".into()),
                method_type: Some("card".into()),
                brand: Some("visa".into()),
                last4: Some("4242".into()),
                amount: m(2_800),
                decline_code: None,
                refund_id: Some("re_1".into()),
                refunded: Some(m(2_800)),
                updated_at: "t".into(),
            }),
            shipment: Some(Shipment {
                carrier: "Local Carrier".into(),
                tracking_number: "LC123".into(),
                tracking_url: "https://track.local-carrier.test/LC123".into(),
                shipped_at: "t".into(),
            }),
            tracking_events: Vec::new(),
            promotion: None,
            backorder_token: None,
            after_sales: Default::default(),
            erased_at: None,
        }
    }

    #[test]
    fn every_email_renders_in_html_and_text_with_the_order_details() {
        for kind in [
            EmailKind::OrderConfirmation,
            EmailKind::Shipped,
            EmailKind::Delivered,
            EmailKind::PaymentFailed,
            EmailKind::Cancelled,
        ] {
            let email = render(kind, &order(), Some("insufficient_funds"), "Shop").unwrap();
            assert!(email.subject.contains("ORD-000042"), "{kind:?}");
            assert!(
                email.text.contains("ORD-000042"),
                "{kind:?}: {}",
                email.text
            );
            assert!(
                email.html.contains("Ada &lt;Lovelace&gt;"),
                "{kind:?} escapes HTML: {}",
                email.html
            );
        }
        let shipped = render(EmailKind::Shipped, &order(), None, "Shop").unwrap();
        assert!(shipped
            .text
            .contains("https://track.local-carrier.test/LC123"));
        let confirmation = render(EmailKind::OrderConfirmation, &order(), None, "Shop").unwrap();
        assert!(
            confirmation.text.contains("28.00 USD"),
            "{}",
            confirmation.text
        );
        let cancelled = render(
            EmailKind::Cancelled,
            &order(),
            Some("address not serviceable"),
            "Shop",
        )
        .unwrap();
        assert!(
            cancelled.text.contains("We refunded 28.00 USD"),
            "{}",
            cancelled.text
        );
    }

    #[test]
    fn the_general_filters_count_and_fall_back() {
        let mut env = Environment::new();
        add_filters(&mut env);
        let render = |source: &str, ctx: Value| env.render_str(source, ctx).unwrap();
        let ctx = context! { items => vec![1, 2, 3], none => (), brand => "visa" };
        assert_eq!(render("{{ items | length }}", ctx.clone()), "3");
        assert_eq!(render("{{ brand | default('card') }}", ctx.clone()), "visa");
        assert_eq!(render("{{ none | default('card') }}", ctx.clone()), "card");
        assert_eq!(
            render("{{ missing | default('card') }}", ctx.clone()),
            "card"
        );
        assert_eq!(render("{{ missing | default }}", ctx), "");
    }

    /// The templates' `default` filter: the card's brand, or "card" when the
    /// payment has none.
    #[test]
    fn a_payment_without_a_brand_is_called_a_card() {
        let with_brand = render(EmailKind::OrderConfirmation, &order(), None, "Shop").unwrap();
        assert!(
            with_brand.html.contains("Paid with visa ending 4242"),
            "{}",
            with_brand.html
        );
        let mut unbranded = order();
        if let Some(p) = unbranded.payment_record.as_mut() {
            p.brand = None;
        }
        let email = render(EmailKind::OrderConfirmation, &unbranded, None, "Shop").unwrap();
        assert!(
            email.html.contains("Paid with card ending 4242"),
            "{}",
            email.html
        );
    }
}
