//! Low stock: an alert to the administrators once each time a SKU's
//! available stock falls to its threshold, and the scheduled low-stock
//! report (low and out-of-stock SKUs, recent sales velocity, days of cover).
//!
//! A product at or below its threshold carries `lowStock = LOW`, which is
//! both the once-per-crossing latch (set only if absent, checked against
//! the item's own `available` and `lowStockThreshold`) and the key of the
//! sparse `LowStock` index the report reads. Every stock change calls
//! [`refresh_low_stock`] afterwards: it sets the mark (and alerts) when the
//! SKU is low, and clears it when the SKU is back above, so the next fall
//! alerts again.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::domain::now_rfc3339;
use crate::domain::order::OrderStatus;
use crate::domain::product::{Product, Sku};
use crate::notifications::{render_admin, send_to_admins};
use crate::store::orders::OrderFilter;
use crate::App;

/// The report type under which low-stock reports are kept.
pub const LOW_STOCK_REPORT: &str = "low-stock";
/// How far back sales velocity looks.
pub const VELOCITY_WINDOW_DAYS: u32 = 14;

/// Sets or clears the low-stock mark of each SKU after a stock change and
/// alerts the administrators on a crossing. Never fails the caller: stock
/// is already changed; a failed alert is logged and its mark given back,
/// so the next change alerts.
pub async fn refresh_low_stock(app: &App, skus: Vec<Sku>) {
    refresh(app, skus, true).await
}

/// Marks a new product that starts at or below its threshold, without an
/// alert (nothing crossed: it never had stock).
pub async fn mark_new_product(app: &App, sku: Sku) {
    refresh(app, vec![sku], false).await
}

async fn refresh(app: &App, skus: Vec<Sku>, alerts: bool) {
    for sku in &skus {
        if let Err(e) = refresh_one(app, sku, alerts).await {
            tracing::error!(error = ?e, %sku, "low-stock check");
        }
    }
}

async fn refresh_one(app: &App, sku: &Sku, alerts: bool) -> anyhow::Result<()> {
    let store = app.store();
    if !store.flag_low_stock(sku, &now_rfc3339()).await? {
        // Not newly low: clear the mark if it is back above.
        store.clear_low_stock(sku, false).await?;
        return Ok(());
    }
    if !alerts {
        return Ok(());
    }
    let product = store
        .get_product(sku)
        .await?
        .ok_or_else(|| anyhow::anyhow!("product {sku} vanished"))?;
    tracing::info!(%sku, available = product.available, "low stock");
    if let Err(e) = alert(app, &product).await {
        // Give the mark back so the next change alerts.
        store.clear_low_stock(sku, true).await?;
        return Err(e);
    }
    Ok(())
}

async fn alert(app: &App, product: &Product) -> anyhow::Result<()> {
    let email = render_admin(
        "low_stock_alert",
        format!(
            "Low stock: {} ({} available)",
            product.sku, product.available
        ),
        minijinja::context! {
            product => minijinja::Value::from(minijinja::value::Serde(product)),
            shop => app.config.shop_name.clone(),
        },
    )?;
    send_to_admins(app, &email).await?;
    Ok(())
}

/// One SKU in the low-stock report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LowStockItem {
    pub sku: Sku,
    pub name: String,
    pub available: i64,
    pub on_hand: i64,
    pub reserved: i64,
    pub threshold: i64,
    pub out_of_stock: bool,
    pub allow_backorder: bool,
    /// Units ordered (not rejected, failed or cancelled) in the window.
    pub units_sold: u64,
    /// Units per day over the window, to two decimals.
    pub daily_velocity: f64,
    /// Available units over the daily velocity; `None` without recent sales.
    pub days_of_cover: Option<f64>,
}

/// A low-stock report as kept and served.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LowStockReport {
    pub generated_at: String,
    pub window_days: u32,
    pub out_of_stock: usize,
    pub items: Vec<LowStockItem>,
    /// Who the report was e-mailed to.
    pub emailed_to: Vec<String>,
}

fn two_decimals(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Units of each SKU in orders placed since `from` that are (or were) sales.
async fn units_sold_since(app: &App, from: &str) -> anyhow::Result<HashMap<Sku, u64>> {
    let store = app.store();
    let filter = OrderFilter {
        from: Some(from.to_string()),
        ..OrderFilter::default()
    };
    let mut units: HashMap<Sku, u64> = HashMap::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = store
            .list_orders(&filter, 100, cursor.as_deref())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        for order in page.items {
            let sold = matches!(
                order.status,
                OrderStatus::Reserved
                    | OrderStatus::Paid
                    | OrderStatus::AwaitingFulfilment
                    | OrderStatus::Shipped
                    | OrderStatus::Delivered
            );
            if sold {
                for line in order.lines {
                    *units.entry(line.sku).or_default() += u64::from(line.quantity);
                }
            }
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(units),
        }
    }
}

/// Builds the low-stock report from the `LowStock` index and recent orders,
/// keeps it and e-mails it to the administrators.
pub async fn low_stock_report(app: &App) -> anyhow::Result<LowStockReport> {
    let now = chrono::Utc::now();
    let generated_at = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let from = (now - chrono::Duration::days(i64::from(VELOCITY_WINDOW_DAYS)))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let store = app.store();
    let low = store.list_low_stock().await?;
    let sold = units_sold_since(app, &from).await?;
    let items: Vec<LowStockItem> = low
        .into_iter()
        .filter(|p| p.active && p.is_low_stock())
        .map(|p| {
            let units_sold = sold.get(&p.sku).copied().unwrap_or(0);
            let velocity = units_sold as f64 / f64::from(VELOCITY_WINDOW_DAYS);
            LowStockItem {
                out_of_stock: p.available <= 0,
                days_of_cover: (velocity > 0.0)
                    .then(|| two_decimals(p.available.max(0) as f64 / velocity)),
                daily_velocity: two_decimals(velocity),
                units_sold,
                sku: p.sku,
                name: p.name,
                available: p.available,
                on_hand: p.on_hand,
                reserved: p.reserved,
                threshold: p.low_stock_threshold,
                allow_backorder: p.allow_backorder,
            }
        })
        .collect();
    let mut report = LowStockReport {
        generated_at: generated_at.clone(),
        window_days: VELOCITY_WINDOW_DAYS,
        out_of_stock: items.iter().filter(|i| i.out_of_stock).count(),
        items,
        emailed_to: Vec::new(),
    };
    let email = render_admin(
        "low_stock_report",
        format!(
            "Low-stock report: {} SKU(s) low, {} out of stock",
            report.items.len(),
            report.out_of_stock
        ),
        minijinja::context! {
            report => minijinja::Value::from(minijinja::value::Serde(&report)),
            shop => app.config.shop_name.clone(),
        },
    )?;
    report.emailed_to = send_to_admins(app, &email).await?;
    store
        .save_report(LOW_STOCK_REPORT, &generated_at, &report)
        .await?;
    tracing::info!(
        low = report.items.len(),
        out_of_stock = report.out_of_stock,
        "low-stock report generated"
    );
    Ok(report)
}

/// The scheduled job's whole `main`: each EventBridge invocation runs the
/// report once.
pub async fn run_low_stock_report() -> Result<(), lambda_runtime::Error> {
    crate::app::run_scheduled(async |app: &App| {
        let report = low_stock_report(app).await?;
        Ok(serde_json::json!({
            "generatedAt": report.generated_at,
            "lowStock": report.items.len(),
            "outOfStock": report.out_of_stock,
        }))
    })
    .await
}
