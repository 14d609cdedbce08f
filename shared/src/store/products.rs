//! Products table: the catalog and each SKU's stock counters; the inventory
//! ledger records every stock movement in the same transaction.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, Put, TransactWriteItem, Update};

use super::{
    condition_failed, decode_cursor, from_item, is_cancelled, n, page_of, s, to_item, unexpected,
    InvalidCursor, Item, Page, Store,
};
use crate::domain::product::{Product, ProductDetails, Sku, StockAdjustment};

/// Sparse index of active products: `listing` (= "ACTIVE") + `sku`.
pub const ACTIVE_PRODUCTS_INDEX: &str = "ActiveProducts";
/// Index of every product for the inventory view: `catalog` (= "PRODUCT") + `sku`.
pub const ALL_PRODUCTS_INDEX: &str = "AllProducts";

#[derive(Debug, thiserror::Error)]
pub enum CreateProductError {
    #[error("a product with SKU {0} already exists")]
    AlreadyExists(Sku),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateProductError {
    #[error("no product has SKU {0}")]
    NotFound(Sku),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

#[derive(Debug, thiserror::Error)]
pub enum AdjustStockError {
    #[error("no product has SKU {0}")]
    NotFound(Sku),
    #[error(
        "stock of {sku} cannot go below what is reserved: {available} available, change {delta}"
    )]
    BelowReserved {
        sku: Sku,
        available: i64,
        delta: i64,
    },
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error(transparent)]
    InvalidCursor(#[from] InvalidCursor),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// One movement in the inventory ledger.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LedgerEntry {
    pub sku: Sku,
    pub entry_id: String,
    pub delta: i64,
    pub reason: String,
    pub actor: String,
    pub at: String,
}

fn product_item(product: &Product) -> anyhow::Result<Item> {
    let mut item = to_item(product)?;
    item.insert("catalog".into(), s("PRODUCT"));
    if product.active {
        item.insert("listing".into(), s("ACTIVE"));
    }
    Ok(item)
}

/// The product an `UpdateItem … ALL_NEW` conditional on the SKU existing returned.
fn updated_product(
    result: Result<
        aws_sdk_dynamodb::operation::update_item::UpdateItemOutput,
        aws_sdk_dynamodb::error::SdkError<
            aws_sdk_dynamodb::operation::update_item::UpdateItemError,
        >,
    >,
    sku: &Sku,
    what: &str,
) -> Result<Product, UpdateProductError> {
    match result {
        Ok(out) => Ok(from_item(out.attributes.unwrap_or_default())?),
        Err(e) if condition_failed(&e) => Err(UpdateProductError::NotFound(sku.clone())),
        Err(e) => Err(unexpected(what, e).into()),
    }
}

/// Sparse index of products at or below their low-stock threshold.
pub const LOW_STOCK_INDEX: &str = "LowStock";

impl Store {
    /// One product, read strongly consistent.
    pub async fn get_product(&self, sku: &Sku) -> anyhow::Result<Option<Product>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.tables.products)
            .key("sku", s(sku.as_str()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unexpected("reading a product", e))?;
        out.item.map(from_item).transpose()
    }

    /// Several products by SKU; missing SKUs are absent from the map.
    pub async fn get_products(&self, skus: &[Sku]) -> anyhow::Result<HashMap<Sku, Product>> {
        let mut found = HashMap::new();
        for chunk in skus.chunks(100) {
            let keys: Vec<Item> = chunk
                .iter()
                .map(|sku| Item::from([("sku".to_string(), s(sku.as_str()))]))
                .collect();
            let mut request = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(keys))
                    .consistent_read(true)
                    .build()
                    .map_err(|e| anyhow::anyhow!("building a batch read: {e}"))?,
            );
            let mut attempts = 0;
            while let Some(keys) = request.take() {
                attempts += 1;
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.tables.products, keys)
                    .send()
                    .await
                    .map_err(|e| unexpected("reading products", e))?;
                for item in out
                    .responses
                    .unwrap_or_default()
                    .remove(&self.tables.products)
                    .unwrap_or_default()
                {
                    let p: Product = from_item(item)?;
                    found.insert(p.sku.clone(), p);
                }
                request = out
                    .unprocessed_keys
                    .and_then(|mut u| u.remove(&self.tables.products));
                if request.is_some() {
                    anyhow::ensure!(
                        attempts < 8,
                        "products stayed unprocessed after {attempts} reads"
                    );
                    tokio::time::sleep(std::time::Duration::from_millis(20 << attempts)).await;
                }
            }
        }
        Ok(found)
    }

    /// Adds a product with no stock.
    pub async fn create_product(
        &self,
        sku: Sku,
        details: ProductDetails,
        now: &str,
    ) -> Result<Product, CreateProductError> {
        let product = Product {
            sku: sku.clone(),
            name: details.name,
            description: details.description,
            price: details.price,
            active: details.active,
            allow_backorder: details.allow_backorder,
            low_stock_threshold: details.low_stock_threshold,
            weight_grams: details.weight_grams,
            on_hand: 0,
            reserved: 0,
            available: 0,
            created_at: now.to_string(),
            updated_at: now.to_string(),
        };
        let result = self
            .client
            .put_item()
            .table_name(&self.tables.products)
            .set_item(Some(product_item(&product)?))
            .condition_expression("attribute_not_exists(sku)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(product),
            Err(e) if condition_failed(&e) => Err(CreateProductError::AlreadyExists(sku)),
            Err(e) => Err(unexpected("creating a product", e).into()),
        }
    }

    /// Replaces a product's catalog fields, leaving its stock untouched.
    pub async fn update_product(
        &self,
        sku: &Sku,
        details: ProductDetails,
        now: &str,
    ) -> Result<Product, UpdateProductError> {
        let listing = if details.active {
            ", listing = :listing"
        } else {
            " REMOVE listing"
        };
        let mut update = self
            .client
            .update_item()
            .table_name(&self.tables.products)
            .key("sku", s(sku.as_str()))
            .update_expression(format!(
                "SET #name = :name, description = :description, price = :price, active = :active, \
                 allowBackorder = :backorder, lowStockThreshold = :threshold, \
                 weightGrams = :weight, updatedAt = :now{listing}"
            ))
            .condition_expression("attribute_exists(sku)")
            .expression_attribute_names("#name", "name")
            .expression_attribute_values(":name", s(&details.name))
            .expression_attribute_values(":description", s(&details.description))
            .expression_attribute_values(
                ":price",
                serde_dynamo::to_attribute_value(&details.price)
                    .map_err(|e| anyhow::anyhow!("writing a price: {e}"))?,
            )
            .expression_attribute_values(
                ":active",
                aws_sdk_dynamodb::types::AttributeValue::Bool(details.active),
            )
            .expression_attribute_values(
                ":backorder",
                aws_sdk_dynamodb::types::AttributeValue::Bool(details.allow_backorder),
            )
            .expression_attribute_values(":threshold", n(details.low_stock_threshold))
            .expression_attribute_values(":weight", n(details.weight_grams))
            .expression_attribute_values(":now", s(now))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew);
        if details.active {
            update = update.expression_attribute_values(":listing", s("ACTIVE"));
        }
        updated_product(update.send().await, sku, "updating a product")
    }

    /// Takes a product off the catalog; carts and orders keep their lines.
    pub async fn archive_product(
        &self,
        sku: &Sku,
        now: &str,
    ) -> Result<Product, UpdateProductError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.tables.products)
            .key("sku", s(sku.as_str()))
            .update_expression("SET active = :false, updatedAt = :now REMOVE listing")
            .condition_expression("attribute_exists(sku)")
            .expression_attribute_values(
                ":false",
                aws_sdk_dynamodb::types::AttributeValue::Bool(false),
            )
            .expression_attribute_values(":now", s(now))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        updated_product(result, sku, "archiving a product")
    }

    /// Receives or writes off stock and records it in the ledger, atomically.
    /// Available stock (on hand minus reserved) never goes below zero.
    pub async fn adjust_stock(
        &self,
        sku: &Sku,
        adjustment: &StockAdjustment,
        actor: &str,
        now: &str,
    ) -> Result<Product, AdjustStockError> {
        let entry = LedgerEntry {
            sku: sku.clone(),
            entry_id: format!("{now}#{}", uuid::Uuid::now_v7()),
            delta: adjustment.delta,
            reason: adjustment.reason.clone(),
            actor: actor.to_string(),
            at: now.to_string(),
        };
        let update = Update::builder()
            .table_name(&self.tables.products)
            .key("sku", s(sku.as_str()))
            .update_expression(
                "SET onHand = onHand + :delta, available = available + :delta, updatedAt = :now",
            )
            .condition_expression("attribute_exists(sku) AND available >= :floor")
            .expression_attribute_values(":delta", n(adjustment.delta))
            .expression_attribute_values(":floor", n(-adjustment.delta))
            .expression_attribute_values(":now", s(now))
            .build()
            .map_err(|e| anyhow::anyhow!("building a stock update: {e}"))?;
        let put = Put::builder()
            .table_name(&self.tables.inventory_ledger)
            .set_item(Some(to_item(&entry)?))
            .build()
            .map_err(|e| anyhow::anyhow!("building a ledger entry: {e}"))?;
        let result = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(update).build())
            .transact_items(TransactWriteItem::builder().put(put).build())
            .send()
            .await;
        match result {
            Ok(_) => self
                .get_product(sku)
                .await?
                .ok_or_else(|| AdjustStockError::NotFound(sku.clone())),
            Err(e) if is_cancelled(&e) => match self.get_product(sku).await? {
                None => Err(AdjustStockError::NotFound(sku.clone())),
                Some(p) => Err(AdjustStockError::BelowReserved {
                    sku: sku.clone(),
                    available: p.available,
                    delta: adjustment.delta,
                }),
            },
            Err(e) => Err(unexpected("adjusting stock", e).into()),
        }
    }

    /// A page of a SKU's inventory ledger, newest movement first (entry ids
    /// start with the time of the movement).
    pub async fn list_ledger(
        &self,
        sku: &Sku,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<LedgerEntry>, ListError> {
        let start = decode_cursor(cursor, &["sku", "entryId"])?;
        if let Some(start) = &start {
            // A cursor from another SKU's ledger is not this one's.
            if start.get("sku") != Some(&s(sku.as_str())) {
                return Err(InvalidCursor.into());
            }
        }
        let out = self
            .client
            .query()
            .table_name(&self.tables.inventory_ledger)
            .key_condition_expression("sku = :sku")
            .expression_attribute_values(":sku", s(sku.as_str()))
            .scan_index_forward(false)
            .set_exclusive_start_key(start)
            .limit(limit)
            .send()
            .await
            .map_err(|e| unexpected("reading the inventory ledger", e))?;
        Ok(page_of(out.items, out.last_evaluated_key.as_ref())?)
    }

    /// A page of active products in SKU order.
    pub async fn list_active_products(
        &self,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Product>, ListError> {
        let start = decode_cursor(cursor, &["sku", "listing"])?;
        let out = self
            .client
            .query()
            .table_name(&self.tables.products)
            .index_name(ACTIVE_PRODUCTS_INDEX)
            .key_condition_expression("listing = :active")
            .expression_attribute_values(":active", s("ACTIVE"))
            .set_exclusive_start_key(start)
            .limit(limit)
            .send()
            .await
            .map_err(|e| unexpected("listing products", e))?;
        Ok(page_of(out.items, out.last_evaluated_key.as_ref())?)
    }

    /// A page of every product's stock, optionally only those at or below
    /// their low-stock threshold.
    pub async fn list_inventory(
        &self,
        limit: i32,
        cursor: Option<&str>,
        low_stock_only: bool,
    ) -> Result<Page<Product>, ListError> {
        let start = decode_cursor(cursor, &["sku", "catalog"])?;
        let mut query = self
            .client
            .query()
            .table_name(&self.tables.products)
            .index_name(ALL_PRODUCTS_INDEX)
            .key_condition_expression("catalog = :product")
            .expression_attribute_values(":product", s("PRODUCT"))
            .set_exclusive_start_key(start)
            .limit(limit);
        if low_stock_only {
            query = query.filter_expression("available <= lowStockThreshold");
        }
        let out = query
            .send()
            .await
            .map_err(|e| unexpected("listing inventory", e))?;
        Ok(page_of(out.items, out.last_evaluated_key.as_ref())?)
    }

    /// Marks an active product whose available stock is at or below its
    /// threshold as low on stock; true only for the call that marked it,
    /// which is the crossing (the condition is checked on the item itself).
    pub async fn flag_low_stock(&self, sku: &Sku, now: &str) -> anyhow::Result<bool> {
        let result = self
            .client
            .update_item()
            .table_name(&self.tables.products)
            .key("sku", s(sku.as_str()))
            .update_expression("SET lowStock = :low, lowStockSince = :now")
            .condition_expression(
                "attribute_exists(sku) AND attribute_not_exists(lowStock) \
                 AND active = :true AND available <= lowStockThreshold",
            )
            .expression_attribute_values(":low", s("LOW"))
            .expression_attribute_values(":now", s(now))
            .expression_attribute_values(":true", AttributeValue::Bool(true))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(unexpected("flagging low stock", e)),
        }
    }

    /// Clears the low-stock mark of a product that is back above its
    /// threshold (or archived), so the next fall alerts again.
    pub async fn clear_low_stock(&self, sku: &Sku, force: bool) -> anyhow::Result<bool> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.tables.products)
            .key("sku", s(sku.as_str()))
            .update_expression("REMOVE lowStock, lowStockSince");
        update = if force {
            update.condition_expression("attribute_exists(lowStock)")
        } else {
            update
                .condition_expression(
                    "attribute_exists(lowStock) AND (available > lowStockThreshold OR active = :false)",
                )
                .expression_attribute_values(":false", AttributeValue::Bool(false))
        };
        match update.send().await {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(unexpected("clearing low stock", e)),
        }
    }

    /// Every product marked low on stock, by SKU (the sparse `LowStock` index).
    pub async fn list_low_stock(&self) -> anyhow::Result<Vec<Product>> {
        let query = self
            .client
            .query()
            .table_name(&self.tables.products)
            .index_name(LOW_STOCK_INDEX)
            .key_condition_expression("lowStock = :low")
            .expression_attribute_values(":low", s("LOW"));
        super::every_page(query, "listing low stock")
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }
}
