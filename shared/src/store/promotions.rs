//! Promotions — `code` (S). A definition's key is its code; a customer's
//! use of a once-per-customer code is the item `<CODE>#customer#<sub>`
//! (codes cannot contain `#`). Definitions carry `catalog = PROMOTION` for
//! the sparse `AllPromotions` index (admin listing, by code).
//!
//! Uses are counted in checkout's transaction (see
//! [`Store::place_order`](super::Store::place_order)); a cancelled or failed
//! order gives its use back once ([`Store::return_promotion_use`]).

use aws_sdk_dynamodb::types::{Delete, TransactWriteItem, Update};

use super::products::ListError;
use super::{
    condition_failed, decode_cursor, from_item, is_cancelled, n, page_of, s, to_item, unexpected,
    Item, Page, Store,
};
use crate::domain::order::Order;
use crate::domain::promotion::Promotion;

/// Sparse index of promotion definitions: `catalog` = PROMOTION, by `code`.
pub const ALL_PROMOTIONS_INDEX: &str = "AllPromotions";

/// A promotion write that could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PromotionWriteError {
    #[error("a promotion with this code exists")]
    AlreadyExists,
    #[error("no promotion has this code")]
    NotFound,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The key of a customer's use of a once-per-customer code.
pub(crate) fn customer_use_key(code: &str, sub: &str) -> String {
    format!("{code}#customer#{sub}")
}

fn promotion_item(promotion: &Promotion) -> anyhow::Result<Item> {
    let mut item = to_item(promotion)?;
    item.insert("catalog".into(), s("PROMOTION"));
    Ok(item)
}

impl Store {
    /// Creates a promotion; its code must be new.
    pub async fn create_promotion(&self, promotion: &Promotion) -> Result<(), PromotionWriteError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.tables.promotions)
            .set_item(Some(promotion_item(promotion)?))
            .condition_expression("attribute_not_exists(code)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if condition_failed(&e) => Err(PromotionWriteError::AlreadyExists),
            Err(e) => Err(unexpected("creating a promotion", e).into()),
        }
    }

    /// One promotion, read strongly consistent.
    pub async fn get_promotion(&self, code: &str) -> anyhow::Result<Option<Promotion>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.tables.promotions)
            .key("code", s(code))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unexpected("reading a promotion", e))?;
        out.item.map(from_item).transpose()
    }

    /// Replaces what an administrator may change; the use count and the
    /// creation time stay as they are.
    pub async fn update_promotion(
        &self,
        promotion: &Promotion,
    ) -> Result<Promotion, PromotionWriteError> {
        let mut set = vec![
            "description = :description",
            "discount = :discount",
            "skus = :skus",
            "oncePerCustomer = :once",
            "active = :active",
            "updatedAt = :now",
        ];
        let mut remove = Vec::new();
        let mut update = self
            .client
            .update_item()
            .table_name(&self.tables.promotions)
            .key("code", s(&promotion.code))
            .condition_expression("attribute_exists(code)")
            .expression_attribute_values(":description", s(&promotion.description))
            .expression_attribute_values(":discount", attr(&promotion.discount)?)
            .expression_attribute_values(":skus", attr(&promotion.skus)?)
            .expression_attribute_values(
                ":once",
                aws_sdk_dynamodb::types::AttributeValue::Bool(promotion.once_per_customer),
            )
            .expression_attribute_values(
                ":active",
                aws_sdk_dynamodb::types::AttributeValue::Bool(promotion.active),
            )
            .expression_attribute_values(":now", s(&promotion.updated_at))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew);
        let optional: [(&str, &str, Option<aws_sdk_dynamodb::types::AttributeValue>); 4] = [
            (
                "minSubtotal",
                ":min",
                promotion.min_subtotal.as_ref().map(attr).transpose()?,
            ),
            ("startsAt", ":starts", promotion.starts_at.as_ref().map(s)),
            ("endsAt", ":ends", promotion.ends_at.as_ref().map(s)),
            ("usageLimit", ":limit", promotion.usage_limit.map(n)),
        ];
        let mut assignments = Vec::new();
        for (attribute, placeholder, v) in optional {
            match v {
                Some(v) => {
                    assignments.push(format!("{attribute} = {placeholder}"));
                    update = update.expression_attribute_values(placeholder, v);
                }
                None => remove.push(attribute),
            }
        }
        set.extend(assignments.iter().map(String::as_str));
        let mut expression = format!("SET {}", set.join(", "));
        if !remove.is_empty() {
            expression.push_str(&format!(" REMOVE {}", remove.join(", ")));
        }
        match update.update_expression(expression).send().await {
            Ok(out) => Ok(from_item(out.attributes.unwrap_or_default())?),
            Err(e) if condition_failed(&e) => Err(PromotionWriteError::NotFound),
            Err(e) => Err(unexpected("updating a promotion", e).into()),
        }
    }

    /// A page of promotions by code.
    pub async fn list_promotions(
        &self,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Promotion>, ListError> {
        let start = decode_cursor(cursor, &["code", "catalog"])?;
        let out = self
            .client
            .query()
            .table_name(&self.tables.promotions)
            .index_name(ALL_PROMOTIONS_INDEX)
            .key_condition_expression("catalog = :promotion")
            .expression_attribute_values(":promotion", s("PROMOTION"))
            .set_exclusive_start_key(start)
            .limit(limit)
            .send()
            .await
            .map_err(|e| unexpected("listing promotions", e))?;
        Ok(page_of(out.items, out.last_evaluated_key.as_ref())?)
    }

    /// Whether `sub` has an order that carries the once-per-customer `code`.
    pub async fn promotion_used_by(&self, code: &str, sub: &str) -> anyhow::Result<bool> {
        let out = self
            .client
            .get_item()
            .table_name(&self.tables.promotions)
            .key("code", s(customer_use_key(code, sub)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unexpected("reading a promotion use", e))?;
        Ok(out.item.is_some())
    }

    /// Gives a cancelled or failed order's promotion use back, once: the
    /// order is marked in the same transaction that lowers the count and
    /// forgets the customer's use.
    pub async fn return_promotion_use(&self, order: &Order) -> anyhow::Result<bool> {
        let Some(promotion) = order.promotion.as_ref().filter(|p| !p.use_returned) else {
            return Ok(false);
        };
        let mark = Update::builder()
            .table_name(&self.tables.orders)
            .key("orderId", s(&order.order_id))
            .update_expression("SET promotion.useReturned = :true")
            .condition_expression("promotion.useReturned = :false")
            .expression_attribute_values(
                ":true",
                aws_sdk_dynamodb::types::AttributeValue::Bool(true),
            )
            .expression_attribute_values(
                ":false",
                aws_sdk_dynamodb::types::AttributeValue::Bool(false),
            )
            .build()
            .map_err(|e| anyhow::anyhow!("building the order update: {e}"))?;
        let count = Update::builder()
            .table_name(&self.tables.promotions)
            .key("code", s(&promotion.code))
            .update_expression("ADD #used :minus")
            .condition_expression("attribute_exists(code) AND #used > :zero")
            .expression_attribute_names("#used", "used")
            .expression_attribute_values(":minus", n(-1))
            .expression_attribute_values(":zero", n(0))
            .build()
            .map_err(|e| anyhow::anyhow!("building the promotion update: {e}"))?;
        let forget = Delete::builder()
            .table_name(&self.tables.promotions)
            .key(
                "code",
                s(customer_use_key(&promotion.code, &order.customer_sub)),
            )
            .build()
            .map_err(|e| anyhow::anyhow!("building the use deletion: {e}"))?;
        let result = self
            .client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(mark).build())
            .transact_items(TransactWriteItem::builder().update(count).build())
            .transact_items(TransactWriteItem::builder().delete(forget).build())
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            // Returned already (or the count is already zero).
            Err(e) if is_cancelled(&e) => Ok(false),
            Err(e) => Err(unexpected("returning a promotion use", e)),
        }
    }
}

/// Serialises a value as one attribute.
fn attr<T: serde::Serialize>(v: &T) -> anyhow::Result<aws_sdk_dynamodb::types::AttributeValue> {
    serde_dynamo::to_attribute_value(v).map_err(|e| anyhow::anyhow!("writing an attribute: {e}"))
}
