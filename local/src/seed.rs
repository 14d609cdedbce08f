//! The demo catalog `make dev` starts with.

use shared::domain::money::{Currency, Money};
use shared::domain::now_rfc3339;
use shared::domain::product::{ProductDetails, Sku, StockAdjustment};
use shared::App;

/// (sku, name, description, price in cents, stock, low-stock threshold, grams)
const DEMO: &[(&str, &str, &str, i64, i64, i64, i64)] = &[
    (
        "TEE-BLACK-M",
        "Black T-shirt (M)",
        "Heavyweight cotton tee.",
        2_500,
        40,
        5,
        220,
    ),
    (
        "TEE-WHITE-M",
        "White T-shirt (M)",
        "Heavyweight cotton tee.",
        2_500,
        25,
        5,
        220,
    ),
    (
        "MUG-LOGO",
        "Logo mug",
        "350 ml stoneware mug.",
        1_400,
        12,
        3,
        400,
    ),
    (
        "CAP-NAVY",
        "Navy cap",
        "Six-panel cotton cap.",
        1_900,
        8,
        3,
        110,
    ),
    (
        "HOODIE-GREY-L",
        "Grey hoodie (L)",
        "Brushed fleece hoodie.",
        5_500,
        4,
        5,
        650,
    ),
    (
        "STICKER-PACK",
        "Sticker pack",
        "Five vinyl stickers.",
        500,
        200,
        20,
        20,
    ),
];

/// Adds the demo products and their opening stock (recorded in the ledger).
pub async fn seed_demo_catalog(app: &App) -> anyhow::Result<()> {
    let store = app.store();
    let currency = Currency::parse(&app.config.currency)?;
    let mut seeded = Vec::new();
    for (sku, name, description, price, stock, threshold, grams) in DEMO {
        let sku = Sku::parse(sku)?;
        seeded.push(sku.clone());
        let details = ProductDetails {
            name: name.to_string(),
            description: description.to_string(),
            price: Money {
                amount: *price,
                currency: currency.clone(),
            },
            active: true,
            allow_backorder: false,
            low_stock_threshold: *threshold,
            weight_grams: *grams,
        };
        store
            .create_product(sku.clone(), details, &now_rfc3339())
            .await?;
        let opening = StockAdjustment {
            delta: *stock,
            reason: "opening stock".into(),
        };
        store
            .adjust_stock(&sku, &opening, "seed", &now_rfc3339())
            .await?;
    }
    // Products that open at or below their threshold are marked low, as a
    // new product is (without an alert: nothing crossed), so the low-stock
    // report and the inventory's low-stock filter agree from the start.
    for sku in seeded {
        shared::inventory::mark_new_product(app, sku).await;
    }
    Ok(())
}

/// The demo shop's Standard shipping option (fixed, so sample events can name it).
pub const DEMO_STANDARD_OPTION: &str = "7d0f3e2a-1b4c-4d5e-8f60-0a1b2c3d4e51";
/// The demo shop's Express shipping option.
pub const DEMO_EXPRESS_OPTION: &str = "7d0f3e2a-1b4c-4d5e-8f60-0a1b2c3d4e52";

/// Adds the demo shop's shipping options (Standard by weight to the US and
/// Canada, free from 100.00; Express at a flat price in the US) and tax
/// rates (Illinois, New York, Canada's GST).
pub async fn seed_demo_shop(app: &App) -> anyhow::Result<()> {
    use shared::domain::shipping::ShippingOptionInput;
    use shared::domain::tax::TaxRateInput;
    let store = app.store();
    let currency = Currency::parse(&app.config.currency)?;
    let usd = |amount: i64| serde_json::json!({"amount": amount, "currency": currency.as_str()});
    let band = |min: i64, max: i64, amount: i64| serde_json::json!({"minGrams": min, "maxGrams": max, "amount": usd(amount)});
    let options = [
        (
            DEMO_STANDARD_OPTION,
            serde_json::json!({
                "name": "Standard", "carrierService": "Ground", "countries": ["US", "CA"],
                "rate": {"type": "WEIGHT_BANDS", "bands": [
                    band(0, 1_000, 500), band(1_000, 5_000, 900), band(5_000, 30_000, 1_500)
                ]},
                "freeAbove": usd(10_000)
            }),
        ),
        (
            DEMO_EXPRESS_OPTION,
            serde_json::json!({
                "name": "Express", "carrierService": "Express Air", "countries": ["US"],
                "rate": {"type": "FLAT", "amount": usd(1_900)}
            }),
        ),
    ];
    for (id, body) in options {
        let input: ShippingOptionInput = serde_json::from_value(body)?;
        let now = now_rfc3339();
        let option = input
            .details(&currency)?
            .into_option(id.to_string(), now.clone(), now);
        if let Err(e) = store.put_shipping_option(&option, true).await {
            anyhow::bail!("seeding shipping option {id}: {e}");
        }
    }
    for (rate_id, name, percent) in [
        ("US-IL", "Illinois sales tax", "7.25"),
        ("US-NY", "New York sales tax", "8.875"),
        ("CA", "GST", "5"),
    ] {
        let rate = TaxRateInput {
            name: name.into(),
            percent: percent.into(),
            shipping_taxed: true,
        }
        .into_rate(rate_id, &now_rfc3339())?;
        store.put_tax_rate(&rate).await?;
    }
    Ok(())
}
