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
